package platecap

import (
	"errors"
	"image"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sharpeyes/sharpeyes/analytics"
	"github.com/sharpeyes/sharpeyes/analytics/plate"
	"github.com/sharpeyes/sharpeyes/rules"
)

// scripted is a plate.Reader whose findings the test sets before each frame: the
// seam between the stage and a real engine, which the gateway's checkpoint test
// covers with the real engine on a synthetic clip.
type scripted struct {
	next   []plate.Finding
	err    error
	rois   []image.Rectangle
	minH   []int
	closed int
}

func (r *scripted) Read(pic plate.Picture, roi image.Rectangle, minHeight int) ([]plate.Finding, error) {
	r.rois = append(r.rois, roi)
	r.minH = append(r.minH, minHeight)
	var out []plate.Finding
	for _, f := range r.next {
		if f.Box.In(roi) {
			out = append(out, f)
		}
	}
	return out, r.err
}
func (r *scripted) Engine() string { return "scripted" }
func (r *scripted) Close() error   { r.closed++; return nil }

const picW, picH = 640, 360

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// read is a plate 60×20 px whose top-left corner is at (x, y).
func read(text string, x, y int, conf float64) plate.Finding {
	crop := plate.Picture{W: 4, H: 2, Pix: make([]byte, 24)}
	return plate.Finding{
		Text: text, Conf: conf, Color: plate.ColorBlue, ColorConf: 0.9,
		Box: image.Rect(x, y, x+60, y+20), DetectConf: 0.9, Crop: crop,
	}
}

func frame(i int, vs ...Vehicle) Frame {
	return Frame{Time: t0.Add(time.Duration(i) * 200 * time.Millisecond), Pic: plate.Picture{W: picW, H: picH, Pix: make([]byte, picW*picH*3)}, Vehicles: vs}
}

func car(id uint64, x1, y1, x2, y2 float64) Vehicle {
	return Vehicle{TrackID: id, Class: "car", Score: 0.9, Box: analytics.Box{X1: x1, Y1: y1, X2: x2, Y2: y2}}
}

func gateRule(edit ...func(*rules.Rule)) rules.Rule {
	r := rules.Rule{ID: "gate", Name: "卡口", Camera: "cam", Type: rules.TypePlate, Enabled: true}
	for _, e := range edit {
		e(&r)
	}
	return r
}

func newStage(t *testing.T, rs ...rules.Rule) (*Stage, *scripted) {
	t.Helper()
	rd := &scripted{}
	s, err := New(Options{Camera: "cam", Reader: rd})
	require.NoError(t, err)
	s.SetRules(rs)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s, rd
}

// drive runs frames; texts[i] is the read of frame i ("" none), the plate moving
// down dy pixels a frame from y0, its car tracked as id 7.
func drive(t *testing.T, s *Stage, rd *scripted, start int, texts []string, y0, dy int) []Capture {
	t.Helper()
	var out []Capture
	for i, txt := range texts {
		y := y0 + i*dy
		rd.next = nil
		if txt != "" {
			rd.next = []plate.Finding{read(txt, 290, y, 0.9)}
		}
		c := car(7, 260.0/picW, float64(y-80)/picH, 380.0/picW, float64(y+30)/picH)
		caps, err := s.Process(frame(start+i, c))
		require.NoError(t, err)
		out = append(out, caps...)
	}
	return out
}

func TestTriggerLineReportsOncePerPass(t *testing.T) {
	s, rd := newStage(t, gateRule(func(r *rules.Rule) {
		r.Line, r.Direction = [2]rules.Point{{X: 0.1, Y: 0.6}, {X: 0.9, Y: 0.6}}, rules.DirectionAToB
	}))
	// y 150 → 300 in steps of 30: the plate's bottom edge (y+20) crosses 216 px
	// (0.6 × 360) between frames 1 and 2; one read is wrong in one character.
	caps := drive(t, s, rd, 0, []string{"粤D12345", "粤D12346", "粤D12345", "粤D12345", "", "粤D12345"}, 150, 30)
	caps = append(caps, s.Finish(t0.Add(10*time.Second))...)
	require.Len(t, caps, 1)
	c := caps[0]
	require.Equal(t, "粤D12345", c.Result.Text)
	require.Equal(t, rules.DirectionAToB, c.Direction)
	require.Equal(t, plate.TypeSmallCar, c.Type)
	require.Equal(t, "gate", c.RuleID)
	require.True(t, c.Time.After(t0.Add(200*time.Millisecond)) && !c.Time.After(t0.Add(400*time.Millisecond)), "pass time %v is the crossing", c.Time)
	require.NotNil(t, c.Vehicle)
	require.Equal(t, uint64(7), c.Vehicle.TrackID)
	require.Equal(t, picW, c.Scene.W)
	require.Equal(t, 4, c.Crop.W, "best read's crop")
	require.Len(t, c.EventID, 32)
	require.Equal(t, 3, c.Priority)
	require.Equal(t, Stats{Reads: 5, Passes: 1, Captures: 1}, s.Stats())
}

func TestTriggerDirectionFilter(t *testing.T) {
	s, rd := newStage(t, gateRule(func(r *rules.Rule) {
		r.Line, r.Direction = [2]rules.Point{{X: 0.1, Y: 0.6}, {X: 0.9, Y: 0.6}}, rules.DirectionBToA
	}))
	caps := drive(t, s, rd, 0, []string{"粤D12345", "粤D12345", "粤D12345", "粤D12345"}, 150, 30)
	require.Empty(t, append(caps, s.Finish(t0.Add(time.Minute))...), "a downward (a_to_b) pass does not trigger a b_to_a gate")
}

func TestSettleWithoutLineAndDedupe(t *testing.T) {
	s, rd := newStage(t, gateRule(func(r *rules.Rule) { r.DedupeWindow = time.Minute }))
	caps := drive(t, s, rd, 0, []string{"京A6K789", "京A6K789", "京A6K789", "京A6K789", "京A6K789"}, 100, 10)
	require.Len(t, caps, 1, "reported once three reads agree, not again while in view")
	require.Equal(t, t0, caps[0].Time, "pass time is the best read's; all equal, so the first")
	// The car leaves; it comes back 20 s later (inside the window), then 2 min later.
	caps = drive(t, s, rd, 10, []string{"", "", "", "", "", "", ""}, 100, 10)
	require.Empty(t, caps)
	caps = drive(t, s, rd, 100, []string{"京A6K789", "京A6K789", "京A6K789"}, 100, 10)
	require.Empty(t, caps, "same plate, same camera, inside dedupe_window")
	drive(t, s, rd, 110, []string{"", "", "", "", "", "", ""}, 100, 10)
	caps = drive(t, s, rd, 700, []string{"京A6K789", "京A6K789", "京A6K789"}, 100, 10)
	require.Len(t, caps, 1, "after the window the plate is reported again")
	require.Equal(t, uint64(1), s.Stats().Suppressed)
}

func TestFinishReportsUnsettledPass(t *testing.T) {
	s, rd := newStage(t, gateRule())
	caps := drive(t, s, rd, 0, []string{"沪C3Q2R5", "沪C3Q2R5"}, 100, 25)
	require.Empty(t, caps, "two reads do not settle")
	caps = s.Finish(t0.Add(time.Second))
	require.Len(t, caps, 1)
	require.Equal(t, "沪C3Q2R5", caps[0].Result.Text)
	require.Empty(t, s.Finish(t0.Add(2*time.Second)), "nothing left")
}

func TestGapEndsPass(t *testing.T) {
	s, rd := newStage(t, gateRule())
	require.Empty(t, drive(t, s, rd, 0, []string{"浙B88D16", "浙B88D16"}, 100, 25))
	// Nothing tracked and no read for more than the gap: the pass ends and reports.
	var caps []Capture
	for i := 2; i < 10; i++ {
		rd.next = nil
		c, err := s.Process(frame(i))
		require.NoError(t, err)
		caps = append(caps, c...)
	}
	require.Len(t, caps, 1)
	require.Equal(t, "浙B88D16", caps[0].Result.Text)
}

func TestInvalidVoteIsNotReported(t *testing.T) {
	s, rd := newStage(t, gateRule())
	caps := drive(t, s, rd, 0, []string{"D1234", "X99", "D1234"}, 100, 10)
	caps = append(caps, s.Finish(t0.Add(time.Minute))...)
	require.Empty(t, caps, "reads that never form a valid plate report nothing")
	require.Equal(t, uint64(1), s.Stats().Passes)
}

func TestRegionAndClasses(t *testing.T) {
	region := gateRule(func(r *rules.Rule) {
		r.ID = "left"
		r.Polygon = []rules.Point{{X: 0, Y: 0}, {X: 0.5, Y: 0}, {X: 0.5, Y: 1}, {X: 0, Y: 1}}
	})
	s, rd := newStage(t, region)
	// The plate sits at x 290–350 px: centre 0.5 + 20/640, right of the region.
	caps := drive(t, s, rd, 0, []string{"粤D12345", "粤D12345", "粤D12345", "粤D12345"}, 100, 10)
	require.Empty(t, append(caps, s.Finish(t0.Add(time.Minute))...))
	require.Equal(t, image.Rect(0, 0, 320, 360), rd.rois[0], "whole-region search covers the region's bounding box")

	cars := gateRule(func(r *rules.Rule) { r.ID = "cars"; r.Classes = []string{"bus", "car"}; r.MinPlateHeight = 12 })
	s2, rd2 := newStage(t, cars)
	caps = drive(t, s2, rd2, 0, []string{"粤D12345", "粤D12345", "粤D12345"}, 100, 10)
	require.Len(t, caps, 1)
	require.Equal(t, 12, rd2.minH[0])
	roi := rd2.rois[0]
	require.True(t, roi.Dx() < 200 && roi.Dy() < 150, "searched the car's box, not the picture: %v", roi)

	// The same plate on a person-class track is not a car's.
	s3, rd3 := newStage(t, cars)
	for i := range 4 {
		rd3.next = []plate.Finding{read("粤D12345", 290, 100, 0.9)}
		p := car(3, 0.4, 0.1, 0.6, 0.5)
		p.Class = "person"
		c, err := s3.Process(frame(i, p))
		require.NoError(t, err)
		require.Empty(t, c)
	}
	require.Empty(t, rd3.rois, "no car, no search")
}

func TestWatchListRaisesPriority(t *testing.T) {
	s, rd := newStage(t, gateRule(func(r *rules.Rule) {
		r.ListDistance = 1
		r.Lists = []rules.PlateList{
			{Kind: "allow", Name: "校车", Entries: []rules.PlateEntry{{Text: "粤D12340"}}},
			{Kind: "block", Name: "布控车辆", Entries: []rules.PlateEntry{{Text: "粤D·12346", Note: "盗抢"}}},
		}
	}))
	caps := drive(t, s, rd, 0, []string{"粤D12345", "粤D12345", "粤D12345"}, 100, 10)
	require.Len(t, caps, 1)
	require.NotNil(t, caps[0].Hit)
	require.Equal(t, plate.Hit{List: "block", Name: "布控车辆", Entry: plate.Entry{Text: "粤D·12346", Note: "盗抢"}, Distance: 1}, *caps[0].Hit,
		"equally close entries: the block list wins")
	require.Equal(t, 1, caps[0].Priority)
}

func TestTwoPlatesAtOnce(t *testing.T) {
	s, rd := newStage(t, gateRule())
	var caps []Capture
	for i := range 4 {
		rd.next = []plate.Finding{read("粤D12345", 100, 100+10*i, 0.9), read("粤B55555", 450, 120+10*i, 0.8)}
		c, err := s.Process(frame(i, car(1, 0.1, 0.1, 0.3, 0.5), car(2, 0.65, 0.1, 0.85, 0.5)))
		require.NoError(t, err)
		caps = append(caps, c...)
	}
	require.Len(t, caps, 2)
	require.ElementsMatch(t, []string{"粤D12345", "粤B55555"}, []string{caps[0].Result.Text, caps[1].Result.Text})
	require.NotEqual(t, caps[0].EventID, caps[1].EventID)
}

func TestMaxTracksBound(t *testing.T) {
	rd := &scripted{}
	s, err := New(Options{Camera: "cam", Reader: rd, MaxTracks: 2})
	require.NoError(t, err)
	s.SetRules([]rules.Rule{gateRule()})
	defer s.Close()
	var caps []Capture
	texts := []string{"粤D11111", "粤D22222", "粤D33333"}
	for k, txt := range texts {
		for i := range 2 { // two reads each: not settled
			rd.next = []plate.Finding{read(txt, 50+200*k, 100+25*i, 0.9)}
			c, err := s.Process(frame(2*k+i, car(uint64(k+1), 0, 0, 1, 1)))
			require.NoError(t, err)
			caps = append(caps, c...)
		}
	}
	require.Len(t, s.tracks, 2)
	require.Len(t, caps, 1, "the third plate ended the first pass early, which reported")
	require.Equal(t, "粤D11111", caps[0].Result.Text)
}

func TestReaderErrorAndRuleChanges(t *testing.T) {
	s, rd := newStage(t, gateRule())
	rd.err = errors.New("model failed")
	rd.next = []plate.Finding{read("粤D12345", 100, 100, 0.9)}
	_, err := s.Process(frame(0, car(1, 0, 0, 1, 1)))
	require.ErrorContains(t, err, "model failed")
	require.Equal(t, uint64(1), s.Stats().ReadErrors)

	rd.err = nil
	s.SetRules(nil)
	require.False(t, s.HasRules())
	caps, err := s.Process(frame(1, car(1, 0, 0, 1, 1)))
	require.NoError(t, err)
	require.Empty(t, caps)
	s.SetRules([]rules.Rule{gateRule(func(r *rules.Rule) { r.Enabled = false }), gateRule(func(r *rules.Rule) { r.ID = "other"; r.Camera = "cam2" })})
	require.False(t, s.HasRules(), "disabled rules and other cameras' rules are not kept")
	require.NoError(t, s.Close())
	require.NoError(t, s.Close())
	require.Equal(t, 1, rd.closed, "Close closes the reader once")
}

func TestNewNeedsReader(t *testing.T) {
	_, err := New(Options{Camera: "cam"})
	require.Error(t, err)
}

func TestSingleReadIsNotAPass(t *testing.T) {
	s, rd := newStage(t, gateRule())
	caps := drive(t, s, rd, 0, []string{"粤D12345"}, 100, 10)
	caps = append(caps, s.Finish(t0.Add(time.Minute))...)
	require.Empty(t, caps, "one read alone is not reported (MinReads 2)")
}

func TestStillPlateIsNotAPass(t *testing.T) {
	s, rd := newStage(t, gateRule())
	// A stripe or sign read as a plate in every frame, never moving.
	caps := drive(t, s, rd, 0, []string{"晋L11111", "晋L11111", "晋L11111", "晋L11111", "晋L11111"}, 100, 0)
	caps = append(caps, s.Finish(t0.Add(time.Minute))...)
	require.Empty(t, caps, "a plate that never moves its own height is no vehicle pass")
}
