package rules

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// UnmarshalYAML reads a point written as a [x, y] pair of numbers. Whether
// they lie in 0–1 is for Validate to say.
func (p *Point) UnmarshalYAML(n *yaml.Node) error {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode || len(n.Content) != 2 {
		return nodeErr(n, "want a point [x, y]")
	}
	var xy [2]float64
	for i, c := range n.Content {
		c = resolve(c)
		if c.Kind != yaml.ScalarNode || c.Decode(&xy[i]) != nil {
			return nodeErr(c, "want a number, got %s", describe(c))
		}
	}
	p.X, p.Y = xy[0], xy[1]
	return nil
}

// MarshalYAML writes the point as a flow-style [x, y] pair.
func (p Point) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, v := range [2]float64{p.X, p.Y} {
		var c yaml.Node
		if err := c.Encode(v); err != nil {
			return nil, err
		}
		n.Content = append(n.Content, &c)
	}
	return n, nil
}

// String formats the point as in YAML.
func (p Point) String() string { return fmt.Sprintf("[%g, %g]", p.X, p.Y) }

// decodePoints reads a sequence of points.
func decodePoints(n *yaml.Node) ([]Point, error) {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		return nil, nodeErr(n, "want a list of [x, y] points")
	}
	pts := make([]Point, len(n.Content))
	for i, c := range n.Content {
		if err := pts[i].UnmarshalYAML(c); err != nil {
			return nil, under(fmt.Sprintf("[%d]", i), err)
		}
	}
	return pts, nil
}
