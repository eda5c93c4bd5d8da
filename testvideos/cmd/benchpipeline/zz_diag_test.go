package main

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/streams"
	"github.com/sharpeyes/sharpeyes/streams/rtspsource"
	"github.com/sharpeyes/sharpeyes/streams/simcam"
	"github.com/sharpeyes/sharpeyes/testvideos/synth"
)

func TestDiagArrive(t *testing.T) {
	sc, _ := synth.Builtin(scene)
	clip, err := synth.Generate(sc, "")
	if err != nil {
		t.Fatal(err)
	}
	cams := simcam.New(simcam.Config{Listen: "127.0.0.1:0"})
	for i := range 8 {
		cams.AddClip(fmt.Sprint("c", i), clip.Path, 10)
	}
	cams.Start()
	defer cams.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for i := range 8 {
		p := fmt.Sprint("c", i)
		st := streams.NewStream(p, nil)
		r := st.AddReader("a", 64, true)
		sup := &rtspsource.Supervisor{CameraID: p, Settings: rtspsource.Settings{URL: cams.URL(p), Transport: rtspsource.TransportAuto}, Writer: st}
		sup.Start(ctx)
		defer sup.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			var maxA time.Duration = -time.Hour
			n, nr, pos := 0, 0, 0
			for {
				u, err := r.Next(ctx)
				if err != nil {
					break
				}
				a := u.CaptureTime.Sub(time.Now())
				n++
				if u.CaptureFromRTCP {
					nr++
					maxA = max(maxA, a)
					if a > 0 {
						pos++
					}
				}
			}
			fmt.Printf("%s units %d rtcp %d max capture-arrival %v, ahead %d\n", p, n, nr, maxA, pos)
		}()
	}
	wg.Wait()
}
