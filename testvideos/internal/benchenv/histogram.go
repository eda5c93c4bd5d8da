package benchenv

import (
	"slices"

	"github.com/prometheus/client_golang/prometheus"
)

// HistSummary is a histogram merged over its series, with quantiles estimated the
// way PromQL's histogram_quantile does (linear within a bucket).
type HistSummary struct {
	Count float64 `json:"count"`
	Mean  float64 `json:"mean_seconds"`
	P50   float64 `json:"p50_seconds"`
	P99   float64 `json:"p99_seconds"`
}

// Histogram merges every series of the histogram name in reg; ok is false when there
// is none.
func Histogram(reg prometheus.Gatherer, name string) (HistSummary, bool) {
	mfs, err := reg.Gather()
	if err != nil {
		return HistSummary{}, false
	}
	var (
		count, sum float64
		bounds     []float64
		cum        = map[float64]float64{}
		found      bool
	)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			h := m.GetHistogram()
			found = true
			count += float64(h.GetSampleCount())
			sum += h.GetSampleSum()
			for _, b := range h.GetBucket() {
				if _, ok := cum[b.GetUpperBound()]; !ok {
					bounds = append(bounds, b.GetUpperBound())
				}
				cum[b.GetUpperBound()] += float64(b.GetCumulativeCount())
			}
		}
	}
	if !found || count == 0 {
		return HistSummary{}, found
	}
	slices.Sort(bounds)
	hs := HistSummary{Count: count, Mean: sum / count}
	hs.P50 = bucketQuantile(0.5, bounds, cum, count)
	hs.P99 = bucketQuantile(0.99, bounds, cum, count)
	return hs, true
}

// bucketQuantile interpolates linearly inside the bucket holding rank q*count; a rank
// past the last finite bound returns that bound.
func bucketQuantile(q float64, bounds []float64, cum map[float64]float64, count float64) float64 {
	rank := q * count
	prevB, prevC := 0.0, 0.0
	for _, b := range bounds {
		c := cum[b]
		if c >= rank {
			if c == prevC {
				return b
			}
			return prevB + (b-prevB)*(rank-prevC)/(c-prevC)
		}
		prevB, prevC = b, c
	}
	return prevB
}
