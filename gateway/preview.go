package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/sharpeyes/sharpeyes/analytics/opencv"
	"github.com/sharpeyes/sharpeyes/analytics/pipeline"
	"github.com/sharpeyes/sharpeyes/gateway/auth"
	"github.com/sharpeyes/sharpeyes/gateway/httpapi"
)

// Rule authors preview a camera: a fresh snapshot to draw on and its live
// detections. A preview needs the camera analysed, so while one is open (and for
// live.idle_timeout after) a camera without rules is analysed too; its results
// raise no alerts because it has no rules.

// detectionQueue is each detections subscriber's queue in frames; when it is full
// (a slow client) frames are skipped for that client.
const detectionQueue = 8

// snapshotWait bounds how long a snapshot request waits for a frame.
const snapshotWait = 8 * time.Second

// Detections is one analysed frame's objects (GET /api/v1/cameras/{id}/detections/stream).
type Detections struct {
	Camera    string      `json:"camera"`
	FrameTime string      `json:"frame_time"`
	Width     int         `json:"width"`
	Height    int         `json:"height"`
	Objects   []detObject `json:"objects"`
}

type detObject struct {
	TrackID uint64     `json:"track_id"`
	Class   string     `json:"class"`
	Score   float64    `json:"score"`
	BBox    [4]float64 `json:"bbox"`
	Foot    [2]float64 `json:"foot"`
}

// preview registers a previewer: the camera is analysed until release (once) and
// the idle timeout after it.
func (c *camera) preview() (release func(), err error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, errCameraGone
	}
	c.previews++
	if c.previewLinger != nil {
		c.previewLinger.Stop()
		c.previewLinger = nil
	}
	c.mu.Unlock()
	c.reconcile()
	done := false
	return func() {
		c.mu.Lock()
		if done {
			c.mu.Unlock()
			return
		}
		done = true
		c.previews--
		if idle := c.g.Config().Live.IdleTimeout.D(); c.previews == 0 && !c.closed && idle > 0 {
			c.previewLinger = time.AfterFunc(idle, func() {
				c.mu.Lock()
				c.previewLinger = nil
				c.mu.Unlock()
				c.reconcile()
			})
		}
		c.mu.Unlock()
		c.reconcile()
	}, nil
}

// previewing tells whether a previewer needs the camera analysed; mu held.
func (c *camera) previewing() bool {
	return !c.closed && (c.previews > 0 || c.previewLinger != nil)
}

// onPreview serves waiting snapshot requests and detection subscribers from an
// analysed frame (on the analysis goroutine; never blocks).
func (c *camera) onPreview(res *pipeline.Result) {
	c.mu.Lock()
	waiters := c.frameWaiters
	c.frameWaiters = nil
	subs := make([]chan []byte, 0, len(c.detSubs))
	for ch := range c.detSubs {
		subs = append(subs, ch)
	}
	c.mu.Unlock()
	if len(waiters) > 0 {
		img, err := opencv.EncodeJPEG(res.Frame, c.g.Config().Snapshots.Quality)
		for _, w := range waiters {
			w <- frameJPEG{img: img, err: err} // buffered (1)
		}
	}
	if len(subs) == 0 {
		return
	}
	d := Detections{
		Camera: c.id, FrameTime: fmtTime(res.Frame.CaptureTime), Width: res.Frame.Width, Height: res.Frame.Height,
		Objects: make([]detObject, 0, len(res.Tracks)),
	}
	for _, t := range res.Tracks {
		d.Objects = append(d.Objects, detObject{
			TrackID: t.ID, Class: t.Class, Score: round3(t.Score),
			BBox: [4]float64{round3(t.Box.X1), round3(t.Box.Y1), round3(t.Box.X2), round3(t.Box.Y2)},
			Foot: [2]float64{round3(t.Foot.X), round3(t.Foot.Y)},
		})
	}
	b, err := json.Marshal(d)
	if err != nil {
		return
	}
	for _, ch := range subs {
		select {
		case ch <- b:
		default: // slow client: skip this frame for it
		}
	}
}

type frameJPEG struct {
	img []byte
	err error
}

// grabSnapshot returns a JPEG of the camera's next analysed frame.
func (c *camera) grabSnapshot(ctx context.Context) ([]byte, error) {
	release, err := c.preview()
	if err != nil {
		return nil, err
	}
	defer release()
	ch := make(chan frameJPEG, 1)
	c.mu.Lock()
	c.frameWaiters = append(c.frameWaiters, ch)
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, snapshotWait)
	defer cancel()
	select {
	case f := <-ch:
		return f.img, f.err
	case <-ctx.Done():
		c.mu.Lock()
		for i, w := range c.frameWaiters {
			if w == ch {
				c.frameWaiters = append(c.frameWaiters[:i], c.frameWaiters[i+1:]...)
				break
			}
		}
		c.mu.Unlock()
		return nil, fmt.Errorf("camera %s: no frame within %s (state %s)", c.id, snapshotWait, c.status().State)
	}
}

// CameraSnapshot returns a fresh JPEG from a camera, for drawing rules on.
func (g *Gateway) CameraSnapshot(ctx context.Context, p auth.Principal, id string) ([]byte, error) {
	if err := g.CanView(p, id); err != nil {
		return nil, err
	}
	g.mu.RLock()
	c := g.cams[id]
	g.mu.RUnlock()
	if c == nil {
		return nil, fmt.Errorf("camera %q is disabled: %w", id, httpapi.ErrUnavailable)
	}
	img, err := c.grabSnapshot(ctx)
	if err != nil && !errors.Is(err, context.Canceled) {
		return nil, fmt.Errorf("%w (%w)", err, httpapi.ErrUnavailable)
	}
	return img, err
}

// detectionsHandler streams a camera's detections as Server-Sent Events; the route
// and role checks are the HTTP API's.
func (g *Gateway) detectionsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := auth.FromContext(r.Context())
		id := r.PathValue("id")
		if err := g.CanView(p, id); err != nil {
			httpapi.WriteError(w, err)
			return
		}
		g.mu.RLock()
		c := g.cams[id]
		g.mu.RUnlock()
		flusher, ok := w.(http.Flusher)
		if c == nil || !ok {
			httpapi.WriteError(w, fmt.Errorf("camera %q is disabled: %w", id, httpapi.ErrUnavailable))
			return
		}
		release, err := c.preview()
		if err != nil {
			httpapi.WriteError(w, fmt.Errorf("%w (%w)", err, httpapi.ErrUnavailable))
			return
		}
		defer release()
		ch := make(chan []byte, detectionQueue)
		c.mu.Lock()
		if c.detSubs == nil {
			c.detSubs = map[chan []byte]struct{}{}
		}
		c.detSubs[ch] = struct{}{}
		c.mu.Unlock()
		defer func() {
			c.mu.Lock()
			delete(c.detSubs, ch)
			c.mu.Unlock()
		}()
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(": detections of " + id + "\n\n"))
		flusher.Flush()
		keepalive := time.NewTicker(15 * time.Second)
		defer keepalive.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-c.gone:
				return
			case b := <-ch:
				if _, err := fmt.Fprintf(w, "event: detections\ndata: %s\n\n", b); err != nil {
					return
				}
				flusher.Flush()
			case <-keepalive.C:
				if _, err := w.Write([]byte(": keepalive\n\n")); err != nil {
					return
				}
				flusher.Flush()
			}
		}
	})
}
