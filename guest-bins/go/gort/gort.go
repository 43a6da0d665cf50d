// gort exercises the Go runtime's use of threads and signals under emu-user:
// goroutines spread over several threads, channels, timers, asynchronous
// preemption (SIGURG), the garbage collector under concurrent allocation,
// os/signal delivery, and os/exec of the program itself.
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		child()
		return
	}
	runtime.GOMAXPROCS(4)
	workers()
	channels()
	timers()
	preemption()
	gcUnderLoad()
	signals()
	execSelf()
	fmt.Println("done")
}

// workers: 8 goroutines hash disjoint ranges; the sum is fixed.
func workers() {
	var wg sync.WaitGroup
	var total uint64
	var mu sync.Mutex
	counts := map[int]int{}
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var local uint64
			for i := 0; i < 2000; i++ {
				h := sha256.Sum256([]byte(fmt.Sprintf("%d/%d", w, i)))
				local += uint64(h[0])
			}
			atomic.AddUint64(&total, local)
			mu.Lock()
			counts[w]++
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	fmt.Printf("workers: total=%d goroutines=%d\n", total, len(counts))
}

// channels: a pipeline of three stages over unbuffered and buffered channels.
func channels() {
	src := make(chan int)
	sq := make(chan int, 16)
	out := make(chan int)
	go func() {
		for i := 1; i <= 1000; i++ {
			src <- i
		}
		close(src)
	}()
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range src {
				sq <- v * v
			}
		}()
	}
	go func() { wg.Wait(); close(sq) }()
	go func() {
		s := 0
		for v := range sq {
			s += v
		}
		out <- s
	}()
	select {
	case s := <-out:
		fmt.Printf("channels: sum of squares=%d\n", s)
	case <-time.After(20 * time.Second):
		fmt.Println("channels: timeout")
	}
}

// timers: timers fire in deadline order; a ticker ticks.
func timers() {
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for _, ms := range []int{30, 10, 20} {
		wg.Add(1)
		ms := ms
		time.AfterFunc(time.Duration(ms)*time.Millisecond, func() {
			mu.Lock()
			order = append(order, ms)
			mu.Unlock()
			wg.Done()
		})
	}
	wg.Wait()
	t := time.NewTicker(5 * time.Millisecond)
	ticks := 0
	for range t.C {
		ticks++
		if ticks == 3 {
			break
		}
	}
	t.Stop()
	start := time.Now()
	time.Sleep(15 * time.Millisecond)
	slept := time.Since(start) >= 15*time.Millisecond
	fmt.Printf("timers: order=%v ticks=%d slept=%v\n", order, ticks, slept)
}

// preemption: with one P, a goroutine spinning without calls must be
// preempted asynchronously (by signal) for main to run again.
func preemption() {
	prev := runtime.GOMAXPROCS(1)
	var stop int32
	var spins uint64
	go func() {
		for atomic.LoadInt32(&stop) == 0 {
			spins++
		}
	}()
	runtime.Gosched()
	time.Sleep(50 * time.Millisecond)
	atomic.StoreInt32(&stop, 1)
	runtime.GOMAXPROCS(prev)
	fmt.Printf("preemption: main ran again, spinner ran=%v\n", spins > 0)
}

type node struct {
	next *node
	buf  []byte
}

// gcUnderLoad: four goroutines allocate linked lists while the collector runs.
func gcUnderLoad() {
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var wg sync.WaitGroup
	sums := make([]int, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for round := 0; round < 50; round++ {
				var head *node
				for i := 0; i < 500; i++ {
					head = &node{next: head, buf: make([]byte, 256)}
					head.buf[0] = byte(i)
				}
				n := 0
				for p := head; p != nil; p = p.next {
					n += int(p.buf[0])
				}
				sums[g] += n
			}
		}(g)
	}
	for i := 0; i < 5; i++ {
		runtime.GC()
	}
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	fmt.Printf("gc: sums=%v collections>=5: %v\n", sums, after.NumGC-before.NumGC >= 5)
}

// signals: os/signal receives SIGUSR1 sent to the process and SIGCHLD.
func signals() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGUSR1)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	select {
	case s := <-c:
		fmt.Printf("signal: got %v\n", s)
	case <-time.After(10 * time.Second):
		fmt.Println("signal: timeout")
	}
	signal.Stop(c)
}

// execSelf: run this program again as a child through os/exec, with a pipe
// for stdin and stdout, and read its exit status.
func execSelf() {
	self, err := os.Executable()
	if err != nil {
		fmt.Println("exec: os.Executable:", err)
		return
	}
	cmd := exec.Command(self, "child")
	cmd.Stdin = strings.NewReader("pear\napple\nfig\n")
	out, err := cmd.Output()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		fmt.Println("exec:", err)
		return
	}
	fmt.Printf("exec: child said %q, exit %d\n", string(out), code)
}

func child() {
	var lines []string
	buf := make([]byte, 4096)
	n, _ := os.Stdin.Read(buf)
	for _, l := range strings.Split(strings.TrimSpace(string(buf[:n])), "\n") {
		lines = append(lines, l)
	}
	sort.Strings(lines)
	fmt.Print(strings.Join(lines, ","))
	os.Exit(3)
}
