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
// blob for reverifyEvery-1 frames, and is dropped at once when the blob changes
// shape (another person joined) or jumps.
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
	// Frames without timestamps: counted as 5 fps.
	p := &People{recent: []confirmation{{box: walker(0), person: true, score: 0.9, age: reverifyEvery - 1}}}
	require.Nil(t, p.reuse(walker(1), 0), "stale confirmations make HOG look again")
	p = &People{recent: []confirmation{{box: walker(0), person: true, score: 0.9, age: reverifyEvery - 2}}}
	require.NotNil(t, p.reuse(walker(1), 0), "a person's confirmation lasts reverifyEvery frames")
	p = &People{recent: []confirmation{{box: walker(0), age: recheckEvery - 1}}}
	require.Nil(t, p.reuse(walker(1), 0), "a blob without a person is looked at again sooner")
}

// TestPeopleCarriesVerdictsForATime: with timestamps, a verdict lasts the same
// time at any frame rate, so HOG costs the same per second at 5 or 10 fps.
func TestPeopleCarriesVerdictsForATime(t *testing.T) {
	box := analytics.Box{X1: 0.2, Y1: 0.4, X2: 0.25, Y2: 0.64}
	const at = 10 * time.Second
	for _, tc := range []struct {
		name   string
		person bool
		age    int // frames since HOG looked, ignored with timestamps
		pts    time.Duration
		fresh  bool
	}{
		{"person, 0.8 s later (4 frames at 5 fps)", true, 3, at + 800*time.Millisecond, true},
		{"person, 0.9 s later (9 frames at 10 fps)", true, 8, at + 900*time.Millisecond, true},
		{"person, 1 s later", true, 4, at + time.Second, false},
		{"person, just under 1 s: jitter", true, 4, at + 980*time.Millisecond, false},
		{"no person, 0.3 s later (3 frames at 10 fps)", false, 2, at + 300*time.Millisecond, true},
		{"no person, 0.4 s later", false, 1, at + 400*time.Millisecond, false},
		{"timestamps went back (new session): frames count", true, 2, at - time.Second, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &People{recent: []confirmation{{box: box, person: tc.person, age: tc.age, at: at}}}
			require.Equal(t, tc.fresh, p.reuse(box, tc.pts) != nil)
		})
	}
}
