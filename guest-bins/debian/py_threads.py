# Python threads under load: locks, conditions, events, semaphores, barriers,
# thread-local data, queues, ThreadPoolExecutor and a fork-based
# ProcessPoolExecutor (multiprocessing: fork, pipes, POSIX semaphores).
import concurrent.futures
import queue
import threading

counter = 0
lock = threading.Lock()


def bump(n):
    global counter
    for _ in range(n):
        with lock:
            counter += 1


threads = [threading.Thread(target=bump, args=(5000,)) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("lock counter", counter)

cond = threading.Condition()
items = []


def producer():
    for i in range(100):
        with cond:
            items.append(i)
            cond.notify()


consumed = []


def consumer():
    while len(consumed) < 100:
        with cond:
            while not items:
                cond.wait()
            consumed.append(items.pop(0))


c = threading.Thread(target=consumer)
c.start()
producer()
c.join()
print("condition", sum(consumed), len(consumed))

barrier = threading.Barrier(4)
order = []
sem = threading.Semaphore(2)
inside = 0
max_inside = 0
local = threading.local()


def phased(i):
    global inside, max_inside
    local.value = i
    order.append(("a", i))
    barrier.wait()
    with sem:
        with lock:
            inside += 1
            max_inside = max(max_inside, inside)
        threading.Event().wait(0.01)
        with lock:
            inside -= 1
    order.append(("b", local.value))


ts = [threading.Thread(target=phased, args=(i,)) for i in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
first = [tag for tag, _ in order[:4]]
print("barrier: all 'a' before any 'b':", first == ["a"] * 4)
print("semaphore max inside:", max_inside)
print("thread-local values:", sorted(v for tag, v in order if tag == "b"))

q = queue.Queue()
done = threading.Event()


def worker():
    while True:
        item = q.get()
        if item is None:
            break
        q.put_nowait(None) if item == -1 else None
        results.append(item * item)
        q.task_done()


results = []
ws = [threading.Thread(target=worker, daemon=True) for _ in range(3)]
for w in ws:
    w.start()
for i in range(50):
    q.put(i)
q.join()
for _ in ws:
    q.put(None)
for w in ws:
    w.join()
print("queue", sum(results))


def square(x):
    return x * x


with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
    print("thread pool", sum(ex.map(square, range(1000))))

with concurrent.futures.ProcessPoolExecutor(max_workers=2) as ex:
    futs = [ex.submit(square, i) for i in range(20)]
    print("process pool", sum(f.result() for f in futs))

print("threads left:", threading.active_count())
