package track

// Noise model, in units of the box's mean side ((w+h)/2), so the filter behaves
// the same for a distant pedestrian and a nearby car.
const (
	// measStd is the detector's jitter of the box centre.
	measStd = 0.1
	// accelStd is the white-noise acceleration: how quickly objects change
	// velocity, per second squared.
	accelStd = 2.0
	// initVelStd is the velocity uncertainty of a brand-new track, per second.
	// It sets how far a track may move between its first two frames: at 5 fps,
	// a 3-sigma gate of about 1.2 box sizes (6 per second: a running person).
	initVelStd = 2.0
)

// axis is a one-dimensional constant-velocity Kalman filter: position p,
// velocity v and their covariance [pp pv; pv vv]. x and y are independent.
type axis struct {
	p, v       float64
	pp, pv, vv float64
}

func newAxis(z, scale float64) axis {
	r := measStd * scale
	vs := initVelStd * scale
	return axis{p: z, pp: r * r, vv: vs * vs}
}

// predict moves the state dt seconds ahead; q is the acceleration variance.
func (a axis) predict(dt, q float64) axis {
	dt2 := dt * dt
	return axis{
		p:  a.p + a.v*dt,
		v:  a.v,
		pp: a.pp + 2*dt*a.pv + dt2*a.vv + q*dt2*dt/3,
		pv: a.pv + dt*a.vv + q*dt2/2,
		vv: a.vv + q*dt,
	}
}

// correct folds in a measurement z with variance r.
func (a axis) correct(z, r float64) axis {
	s := a.pp + r
	k0, k1 := a.pp/s, a.pv/s
	y := z - a.p
	return axis{
		p:  a.p + k0*y,
		v:  a.v + k1*y,
		pp: (1 - k0) * a.pp,
		pv: (1 - k0) * a.pv,
		vv: a.vv - k1*a.pv,
	}
}

// innovation returns the squared distance of z from the predicted position in
// standard deviations, given measurement variance r.
func (a axis) innovation(z, r float64) float64 {
	y := z - a.p
	return y * y / (a.pp + r)
}
