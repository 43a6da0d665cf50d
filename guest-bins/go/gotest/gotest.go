// Package gotest is a small library whose `go test` binary runs under emu-user.
package gotest

import "sync"

// ParallelSums returns, for each i in [0, n), the sum of j*i for j in 0..=1000,
// computed by one goroutine per entry.
func ParallelSums(n int) []int {
	var wg sync.WaitGroup
	res := make([]int, n)
	for i := range res {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j <= 1000; j++ {
				res[i] += j * i
			}
		}(i)
	}
	wg.Wait()
	return res
}
