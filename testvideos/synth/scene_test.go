package synth

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNormalizeDefaults(t *testing.T) {
	s, err := normalize(Scene{Name: "d", Duration: 2, Actors: []Actor{
		{ID: 1, Path: []Waypoint{{X: 0, Y: 0}}},
		{ID: 2, Class: ClassCar, Plate: "粤D·12345", Path: []Waypoint{{X: 0, Y: 0}}},
	}})
	require.NoError(t, err)
	require.Equal(t, [3]int{640, 360, 10}, [3]int{s.Width, s.Height, s.FPS})
	require.Equal(t, 20, s.Frames())
	require.Equal(t, Background{Kind: "plaza", Noise: 2}, s.Background)
	p, c := s.Actors[0], s.Actors[1]
	require.Equal(t, ClassPerson, p.Class)
	require.Equal(t, [3]float64{0.12, 0.24, 0.4}, [3]float64{p.Speed, p.Height, p.Aspect})
	require.Equal(t, [3]float64{0.15, 0.4, 1.3}, [3]float64{c.Speed, c.Height, c.Aspect})
	require.Equal(t, "blue", c.PlateColor)
	require.NotZero(t, p.Color)
}

func TestValidate(t *testing.T) {
	walker := func(id int) Actor { return Actor{ID: id, Path: []Waypoint{{X: 0, Y: 0}}} }
	cases := []struct {
		name   string
		mutate func(*Scene)
		err    string
	}{
		{"odd width", func(s *Scene) { s.Width = 641 }, "width/height"},
		{"no frames", func(s *Scene) { s.Duration = 0.01 }, "duration"},
		{"fps too high", func(s *Scene) { s.FPS = 120 }, "fps"},
		{"background kind", func(s *Scene) { s.Background.Kind = "forest" }, "background.kind"},
		{"duplicate id", func(s *Scene) { s.Actors = append(s.Actors, walker(1)) }, "actors[1].id: 1 used twice"},
		{"group id clash", func(s *Scene) { s.Groups = []Group{{FirstID: 1, Count: 2}} }, "groups[0]: id 1 used twice"},
		{"unknown class", func(s *Scene) { s.Actors[0].Class = "bus" }, "actors[0].class"},
		{"empty path", func(s *Scene) { s.Actors[0].Path = nil }, "actors[0].path: empty"},
		{"negative wait", func(s *Scene) { s.Actors[0].Path[0].Wait = -1 }, "actors[0].path[0].wait"},
		{"plate on a person", func(s *Scene) { s.Actors[0].Plate = "粤D·12345" }, "only cars carry plates"},
		{"plate colour", func(s *Scene) { s.Actors[0].Class, s.Actors[0].PlateColor = ClassCar, "red" }, "plate_color"},
		{"plate colour of the kind", func(s *Scene) {
			s.Actors[0].Class, s.Actors[0].Plate, s.Actors[0].PlateColor = ClassCar, "京A·0001警", "blue"
		}, "actors[0].plate_color: police plates (京A·0001警) are not blue"},
		{"plate rows", func(s *Scene) {
			s.Actors[0].Class, s.Actors[0].Plate, s.Actors[0].PlateRows = ClassCar, "粤D·12345", 3
		}, "actors[0].plate_rows: 3"},
		{"double-row blue plate", func(s *Scene) {
			s.Actors[0].Class, s.Actors[0].Plate, s.Actors[0].PlateRows = ClassCar, "粤D·12345", 2
		}, "actors[0].plate_rows: only yellow ordinary and trailer plates"},
		{"degenerate line", func(s *Scene) { s.Lines = []Line{{Name: "l"}} }, "lines[0]"},
		{"small polygon", func(s *Scene) { s.Regions = []Region{{Name: "r", Polygon: []Point{{}, {}}}} }, "regions[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Scene{Name: "v", Duration: 1, Actors: []Actor{walker(1)}}
			c.mutate(&s)
			_, err := normalize(s)
			require.ErrorContains(t, err, c.err)
		})
	}
}

func TestLoadScene(t *testing.T) {
	dir := t.TempDir()
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			s, err := Builtin(name)
			require.NoError(t, err)
			b, err := json.Marshal(s)
			require.NoError(t, err)
			p := filepath.Join(dir, name+".json")
			require.NoError(t, os.WriteFile(p, b, 0o644))
			got, err := LoadScene(p)
			require.NoError(t, err)
			h1, err := Hash(s)
			require.NoError(t, err)
			h2, err := Hash(got)
			require.NoError(t, err)
			require.Equal(t, h1, h2, "a scene survives a JSON round trip")
		})
	}
	p := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(p, []byte(`{"name":"x","duration":1,"colour":1}`), 0o644))
	_, err := LoadScene(p)
	require.ErrorContains(t, err, `unknown field "colour"`)
	_, err = ParseScene([]byte(`{"name":"x","duration":1000}`))
	require.ErrorContains(t, err, "at most 600 s")

	_, err = Builtin("nope")
	require.ErrorContains(t, err, `unknown scene "nope"`)
}

func TestHashChangesWithScene(t *testing.T) {
	a, err := Builtin(SceneTripwireBasic)
	require.NoError(t, err)
	b, err := Builtin(SceneTripwireBasic)
	require.NoError(t, err)
	b.Actors[0].Start += 0.1
	ha, err := Hash(a)
	require.NoError(t, err)
	hb, err := Hash(b)
	require.NoError(t, err)
	require.NotEqual(t, ha, hb)

	// Spelling out a default does not change the hash.
	c, err := Builtin(SceneTripwireBasic)
	require.NoError(t, err)
	c.Background = Background{Kind: "plaza", Noise: 2}
	hc, err := Hash(c)
	require.NoError(t, err)
	require.Equal(t, ha, hc)
}

// FuzzParseScene: any scene that parses yields a truth whose events are consistent with
// its frames, and survives a JSON round trip with the same hash.
func FuzzParseScene(f *testing.F) {
	for _, name := range Names() {
		s, err := Builtin(name)
		require.NoError(f, err)
		b, err := json.Marshal(s)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"name":"x","duration":1,"actors":[{"id":1,"path":[{"x":0.1,"y":0.2,"wait":0.5}]}]}`))
	f.Add([]byte(`{"name":"x","duration":1,"groups":[{"first_id":1,"count":3,"linger":0.5}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseScene(b)
		if err != nil {
			return
		}
		b2, err := json.Marshal(s)
		require.NoError(t, err)
		s2, err := ParseScene(b2)
		require.NoError(t, err)
		h1, err := Hash(s)
		require.NoError(t, err)
		h2, err := Hash(s2)
		require.NoError(t, err)
		require.Equal(t, h1, h2)
		n, err := normalize(s)
		require.NoError(t, err)
		members, points := 0, 0
		for _, g := range n.Groups {
			members += g.Count
		}
		for _, r := range n.Regions {
			points += len(r.Polygon)
		}
		if n.Frames() > 100 || len(n.Actors)+members > 30 || len(n.Lines)+points > 60 {
			return // keep each input fast
		}
		tr, err := ComputeTruth(s)
		require.NoError(t, err)
		require.Len(t, tr.PerFrame, tr.Frames)
		for _, c := range tr.Crossings {
			require.True(t, c.Frame >= 1 && c.Frame < tr.Frames)
		}
	})
}
