package plate

import "fmt"

// Watch-list kinds.
const (
	ListAllow = "allow"
	ListBlock = "block"
)

// List is a watch list: plates to let through (allow) or to flag (block).
type List struct {
	// Kind is ListAllow or ListBlock.
	Kind string
	// Name labels the list (布控车辆); it is carried into hits.
	Name string
	// Entries are the listed plates.
	Entries []Entry
}

// Entry is one listed plate. Text may carry separators or lower case; it is normalised
// before comparison.
type Entry struct {
	Text string
	Note string
}

// Hit is a watch-list match.
type Hit struct {
	// List is the Kind of the list that matched: ListAllow or ListBlock.
	List string
	// Name is the matched list's Name.
	Name string
	// Entry is the matched entry as listed.
	Entry Entry
	// Distance is the edit distance between the read and the entry (0 = exact).
	Distance int
}

// Validate reports the first problem with l, naming the field.
func (l List) Validate() error {
	if l.Kind != ListAllow && l.Kind != ListBlock {
		return fmt.Errorf("kind: %q is neither %q nor %q", l.Kind, ListAllow, ListBlock)
	}
	for i, e := range l.Entries {
		if Normalize(e.Text) == "" {
			return fmt.Errorf("entries[%d].text: empty", i)
		}
	}
	return nil
}

// Match looks text up in lists. An exact match (after normalisation) wins over any
// fuzzy one; otherwise the entry with the smallest edit distance, at most maxDist,
// matches. Between equally close entries a block list wins over an allow list, then the
// earlier list and entry win. Lists whose Kind is not ListBlock count as allow lists.
func Match(lists []List, text string, maxDist int) (Hit, bool) {
	t := Normalize(text)
	if t == "" {
		return Hit{}, false
	}
	maxDist = max(maxDist, 0)
	var best Hit
	found := false
	for _, l := range lists {
		for _, e := range l.Entries {
			et := Normalize(e.Text)
			if et == "" || absDiff(len([]rune(et)), len([]rune(t))) > maxDist {
				continue
			}
			d := Distance(t, et)
			if d > maxDist {
				continue
			}
			if !found || d < best.Distance || (d == best.Distance && l.Kind == ListBlock && best.List != ListBlock) {
				best = Hit{List: listKind(l.Kind), Name: l.Name, Entry: e, Distance: d}
				found = true
			}
		}
	}
	return best, found
}

func listKind(k string) string {
	if k == ListBlock {
		return ListBlock
	}
	return ListAllow
}

func absDiff(a, b int) int {
	if a > b {
		return a - b
	}
	return b - a
}
