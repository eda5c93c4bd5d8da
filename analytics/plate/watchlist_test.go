package plate

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDistance(t *testing.T) {
	cases := []struct {
		a, b string
		d    int
	}{
		{"", "", 0},
		{"粤B12345", "粤B12345", 0},
		{"粤B12345", "粤B12346", 1},
		{"粤B12345", "京B12345", 1},
		{"粤B12345", "粤B1234", 1},
		{"粤B12345", "粤BD12345", 1},
		{"粤B12345", "B12345", 1},
		{"粤B12345", "粤B54321", 4},
		{"", "粤B12345", 7},
		{"kitten", "sitting", 3},
	}
	for _, tc := range cases {
		require.Equal(t, tc.d, Distance(tc.a, tc.b), "%q %q", tc.a, tc.b)
		require.Equal(t, tc.d, Distance(tc.b, tc.a), "%q %q", tc.b, tc.a)
	}
}

func TestMatch(t *testing.T) {
	allow := List{Kind: ListAllow, Entries: []Entry{
		{Text: "粤B12345", Note: "staff"},
		{Text: "粤B·88888", Note: "director"},
		{Text: "京A11111", Note: "allowed twin"},
	}}
	block := List{Kind: ListBlock, Entries: []Entry{
		{Text: "粤B12346", Note: "stolen"},
		{Text: "京a11111", Note: "blocked twin"},
		{Text: "沪C77777", Note: "wanted"},
	}}
	lists := []List{allow, block}
	cases := []struct {
		name    string
		text    string
		maxDist int
		ok      bool
		list    string
		note    string
		dist    int
	}{
		{name: "exact allow", text: "粤B12345", maxDist: 1, ok: true, list: ListAllow, note: "staff"},
		{name: "exact beats a nearer-listed fuzzy block", text: "粤B12346", maxDist: 1, ok: true, list: ListBlock, note: "stolen"},
		{name: "exact in both lists: block wins", text: "京A11111", maxDist: 0, ok: true, list: ListBlock, note: "blocked twin"},
		{name: "normalised input", text: "粤b·88888", maxDist: 0, ok: true, list: ListAllow, note: "director"},
		{name: "nearest", text: "沪C77776", maxDist: 2, ok: true, list: ListBlock, note: "wanted", dist: 1},
		{name: "fuzzy tie: block wins", text: "粤B12347", maxDist: 1, ok: true, list: ListBlock, note: "stolen", dist: 1},
		{name: "nearest beats block", text: "粤B88887", maxDist: 3, ok: true, list: ListAllow, note: "director", dist: 1},
		{name: "beyond maxDist", text: "沪C77766", maxDist: 1},
		{name: "exact only", text: "沪C77776", maxDist: 0},
		{name: "negative maxDist means exact", text: "沪C77777", maxDist: -3, ok: true, list: ListBlock, note: "wanted"},
		{name: "Chinese character counts as one edit", text: "苏C77777", maxDist: 1, ok: true, list: ListBlock, note: "wanted", dist: 1},
		{name: "empty text", text: " ", maxDist: 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hit, ok := Match(lists, tc.text, tc.maxDist)
			require.Equal(t, tc.ok, ok, "hit %+v", hit)
			if !ok {
				return
			}
			require.Equal(t, tc.list, hit.List)
			require.Equal(t, tc.note, hit.Entry.Note)
			require.Equal(t, tc.dist, hit.Distance)
		})
	}
	_, ok := Match(nil, "粤B12345", 2)
	require.False(t, ok)
}

func TestListValidate(t *testing.T) {
	require.NoError(t, List{Kind: ListBlock, Entries: []Entry{{Text: "粤B12345"}}}.Validate())
	require.ErrorContains(t, List{Kind: "deny"}.Validate(), "kind")
	require.ErrorContains(t, List{Kind: ListAllow, Entries: []Entry{{Text: "粤B12345"}, {Text: " - "}}}.Validate(), "entries[1].text")
}
