package gotest

import (
	"strings"
	"testing"
	"time"
)

func TestParallelSums(t *testing.T) {
	t.Parallel()
	for i, v := range ParallelSums(16) {
		if v != 500500*i {
			t.Fatalf("res[%d] = %d", i, v)
		}
	}
}

func TestMapAndStrings(t *testing.T) {
	t.Parallel()
	m := map[string]int{}
	for i := 0; i < 10000; i++ {
		m[string(rune('a'+i%26))] += i
	}
	if len(m) != 26 || m["a"] != 1921920 {
		t.Fatalf("len = %d, a = %d", len(m), m["a"])
	}
	if got := strings.Repeat("ab", 3); got != "ababab" {
		t.Fatalf("Repeat = %q", got)
	}
}

func TestTimeout(t *testing.T) {
	select {
	case <-time.After(10 * time.Millisecond):
	case <-time.After(10 * time.Second):
		t.Fatal("the short timer did not fire first")
	}
}

func BenchmarkSums(b *testing.B) {
	for i := 0; i < b.N; i++ {
		ParallelSums(4)
	}
}
