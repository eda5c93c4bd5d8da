package opencv

import (
	"image"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics"
)

func TestPeoplePETS(t *testing.T) {
	for _, bg := range []string{BackgroundMOG2, BackgroundMedian} {
		t.Run(bg, func(t *testing.T) {
			p, err := NewPeople(PeopleConfig{Motion: MotionConfig{Background: bg}})
			require.NoError(t, err)
			defer p.Close()
			s := runPETS(t, p)
			t.Logf("person boxes %d: precision %.3f, one person each %.3f; moving persons labelled person %.3f; HOG scans per frame %.2f",
				s.persons, frac(s.personsTP, s.persons), frac(s.one, s.boxes), frac(s.found, s.moving), frac(p.stats.scans, p.stats.frames))
			require.Greater(t, frac(s.personsTP, s.persons), 0.9, "precision")
			require.Greater(t, frac(s.found, s.moving), 0.8, "recall of moving people")
		})
	}
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
			scans0 := 0
			for i := range 30 {
				if i == 20 {
					scans0 = p.stats.scans
				}
				dets, err := p.Detect(synthFrame(i, []image.Rectangle{walker(10, 100, i)}))
				require.NoError(t, err)
				if i >= 20 {
					require.Len(t, dets, tc.want)
					for _, d := range dets {
						require.Equal(t, "object", d.Class, "a box is not a person")
					}
				}
			}
			// HOG's "no person" is carried for recheckEvery frames: 10 frames, 5 scans.
			require.Equal(t, 10/recheckEvery, p.stats.scans-scans0, "an unconfirmed blob is re-scanned every %d frames", recheckEvery)
		})
	}
}

// TestPeopleReusesConfirmations: a single person's HOG confirmation follows its
// blob, and is dropped at once when the blob changes shape (another person
// joined) or jumps.
func TestPeopleReusesConfirmations(t *testing.T) {
	walker := func(i int) analytics.Box {
		x := 0.2 + 0.02*float64(i)
		return analytics.Box{X1: x, Y1: 0.4, X2: x + 0.05, Y2: 0.64}
	}
	for _, tc := range []struct {
		name  string
		box   analytics.Box
		reuse bool
	}{
		{"next step", walker(1), true},
		{"twice as wide: two people", analytics.Box{X1: 0.22, Y1: 0.4, X2: 0.32, Y2: 0.64}, false},
		{"taller by half", analytics.Box{X1: 0.22, Y1: 0.28, X2: 0.27, Y2: 0.64}, false},
		{"far away", walker(10), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &People{recent: []confirmation{{box: walker(0), person: true, score: 0.9}}}
			c := p.reuse(tc.box, 0)
			require.Equal(t, tc.reuse, c != nil)
			if c != nil {
				require.Nil(t, p.reuse(tc.box, 0), "a confirmation serves one blob")
			}
		})
	}
	p := &People{recent: []confirmation{{box: walker(0), age: recheckEvery - 1}}}
	require.Nil(t, p.reuse(walker(1), 0), "a blob without a person is looked at again sooner")
}

// TestPeopleReverifiesEverySecond: a person's confirmation lasts about a
// second of frame time, at least reverifyEvery frames and at most
// reverifyMaxFrames, whatever the frame times say.
func TestPeopleReverifiesEverySecond(t *testing.T) {
	walker := analytics.Box{X1: 0.2, Y1: 0.4, X2: 0.25, Y2: 0.64}
	for _, tc := range []struct {
		name     string
		interval time.Duration // between frames
		start    time.Duration // of the confirmation
		want     int           // frames it serves, the one HOG looked at included
	}{
		{name: "5 fps", interval: 200 * time.Millisecond, start: time.Hour, want: 5},
		{name: "5 fps, jittery", interval: 198 * time.Millisecond, want: 5},
		{name: "10 fps", interval: 100 * time.Millisecond, want: 10},
		{name: "2 fps", interval: 500 * time.Millisecond, want: reverifyEvery},
		{name: "no frame times", want: reverifyMaxFrames},
		{name: "times start again", interval: 100 * time.Millisecond, start: time.Hour, want: reverifyEvery},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := confirmation{box: walker, person: true, score: 0.9, at: tc.start}
			served := 1
			for i := 1; ; i++ {
				now := time.Duration(i) * tc.interval
				if tc.name != "times start again" {
					now += tc.start
				}
				p := &People{recent: []confirmation{c}}
				if p.reuse(walker, now) == nil {
					break
				}
				served++
				c.age++
				require.Less(t, served, 100, "never re-verified")
			}
			require.Equal(t, tc.want, served)
		})
	}
}
