package opencv

import (
	"image"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPeoplePETS(t *testing.T) {
	p, err := NewPeople(PeopleConfig{})
	require.NoError(t, err)
	defer p.Close()
	s := runPETS(t, p)
	t.Logf("person boxes %d: precision %.3f, one person each %.3f; moving persons labelled person %.3f",
		s.persons, frac(s.personsTP, s.persons), frac(s.one, s.boxes), frac(s.found, s.moving))
	require.Greater(t, frac(s.personsTP, s.persons), 0.9, "precision")
	require.Greater(t, frac(s.found, s.moving), 0.8, "recall of moving people")
}

func TestPeopleLeavesRectanglesUnconfirmed(t *testing.T) {
	for _, tc := range []struct {
		name string
		drop bool
		want int
	}{
		{name: "reported as objects", want: 1},
		{name: "dropped", drop: true, want: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPeople(PeopleConfig{DropUnconfirmed: tc.drop})
			require.NoError(t, err)
			defer p.Close()
			for i := range 30 {
				dets, err := p.Detect(synthFrame(i, []image.Rectangle{walker(10, 100, i)}))
				require.NoError(t, err)
				if i >= 20 {
					require.Len(t, dets, tc.want)
					for _, d := range dets {
						require.Equal(t, "object", d.Class, "a box is not a person")
					}
				}
			}
		})
	}
}
