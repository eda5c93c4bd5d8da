package whep

import (
	"errors"
	"net/http"
)

// Errors the server's operations return; statusOf maps them to HTTP statuses.
var (
	errBadOffer        = errors.New("bad SDP offer")
	errNoH264          = errors.New("the offer has no video media that can receive H.264")
	errH265            = errors.New("camera codec h265 is not playable over WebRTC by browsers")
	errBadStream       = errors.New(`stream must be "main" or "sub"`)
	errServerClosed    = errors.New("WHEP server is closing")
	errTooManySessions = errors.New("too many WHEP sessions")
	errSessionNotFound = errors.New("WHEP session not found")
	errBadFrag         = errors.New("bad trickle-ICE fragment")
	errICERestart      = errors.New("ICE restart is not supported; start a new session")
	errETagMismatch    = errors.New("If-Match does not match the session's ETag")

	// Why sessions end (context causes).
	errDeleted        = errors.New("deleted by the viewer")
	errICEFailed      = errors.New("ICE failed (viewer unreachable)")
	errPeerClosed     = errors.New("peer connection closed")
	errConnectTimeout = errors.New("peer connection not up in time")
	errSourceEnded    = errors.New("camera stream ended")
)

// statusOf returns the HTTP status for an error of the server's operations.
func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrNotFound), errors.Is(err, errSessionNotFound):
		return http.StatusNotFound
	case errors.Is(err, errBadOffer), errors.Is(err, errBadFrag), errors.Is(err, errBadStream):
		return http.StatusBadRequest
	case errors.Is(err, errNoH264):
		return http.StatusNotAcceptable
	case errors.Is(err, errH265), errors.Is(err, errICERestart):
		return http.StatusUnprocessableEntity
	case errors.Is(err, errETagMismatch):
		return http.StatusPreconditionFailed
	case errors.Is(err, errServerClosed), errors.Is(err, errTooManySessions):
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}
