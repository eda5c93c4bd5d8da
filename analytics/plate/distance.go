package plate

// Distance is the Levenshtein distance between a and b counted in runes, so a Chinese
// character is one edit: Distance("粤B12345", "粤B12346") is 1. It compares the strings
// as given; normalise them first (Normalize) to ignore separators and case.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	// One row of the dynamic-programming table, over the shorter string.
	row := make([]int, len(rb)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			next := min(row[j]+1, row[j-1]+1, diag+cost)
			diag, row[j] = row[j], next
		}
	}
	return row[len(rb)]
}
