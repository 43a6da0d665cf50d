# python3 workload of bench/run.sh: pure-Python work of a few kinds (dicts
# and strings, a class-heavy simulation, recursion, sorting with key
# functions, big integers, generators), printing one line of results per
# part.  Deterministic; run with PYTHONHASHSEED=0 on every engine.


def lcg(seed):
    state = seed
    while True:
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        yield state >> 33


def words_part():
    gen = lcg(1)
    vocab = ["".join(chr(97 + (next(gen) % 26)) for _ in range(1 + next(gen) % 7)) for _ in range(500)]
    counts = {}
    for _ in range(60000):
        w = vocab[next(gen) % 500 * (next(gen) % 4 + 1) // 4]
        counts[w] = counts.get(w, 0) + 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    text = " ".join(f"{w}={n}" for w, n in top)
    return f"words {len(counts)} {text} {sum(len(w) * n for w, n in counts.items())}"


class Body:
    __slots__ = ("x", "y", "vx", "vy")

    def __init__(self, x, y):
        self.x, self.y, self.vx, self.vy = x, y, 0, 0

    def step(self, others):
        for o in others:
            if o is not self:
                self.vx += (o.x > self.x) - (o.x < self.x)
                self.vy += (o.y > self.y) - (o.y < self.y)


def sim_part():
    gen = lcg(2)
    bodies = [Body(next(gen) % 1000, next(gen) % 1000) for _ in range(24)]
    for _ in range(80):
        for b in bodies:
            b.step(bodies)
        for b in bodies:
            b.x += b.vx
            b.y += b.vy
    return "sim " + " ".join(str(b.x * 31 + b.y) for b in bodies[:6])


def queens(n, row=0, cols=0, d1=0, d2=0):
    if row == n:
        return 1
    total = 0
    free = ~(cols | d1 | d2) & ((1 << n) - 1)
    while free:
        bit = free & -free
        free ^= bit
        total += queens(n, row + 1, cols | bit, (d1 | bit) << 1, (d2 | bit) >> 1)
    return total


def sort_part():
    gen = lcg(3)
    recs = [(f"k{next(gen) % 5000:05d}", next(gen) % 1000, i) for i in range(30000)]
    recs.sort(key=lambda r: (r[1], r[0]))
    by_name = sorted(recs, key=lambda r: r[0], reverse=True)
    return f"sort {recs[0]} {recs[-1]} {by_name[0]} {by_name[len(by_name) // 2]}"


def bigint_part():
    f = 1
    for i in range(2, 1500):
        f *= i
    p = pow(3, 20000, (1 << 521) - 1)
    fib = [0, 1]
    for _ in range(3000):
        fib.append(fib[-1] + fib[-2])
    return f"bigint {len(str(f))} {f % 1000000007} {p % 1000000007} {fib[-1] % 998244353}"


def gen_part():
    squares = (i * i for i in range(150000) if i % 3)
    return f"gen {sum(s % 97 for s in squares)} {max(x ^ (x >> 3) for x in range(100000))}"


print(words_part())
print(sim_part())
print(f"queens {queens(8)} {queens(9)}")
print(sort_part())
print(bigint_part())
print(gen_part())
