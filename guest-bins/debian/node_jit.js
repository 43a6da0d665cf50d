// V8 generates arm64 machine code at run time and patches it as functions
// get hot (Sparkplug, Maglev/TurboFan tiers), then flushes the caches: the
// translator must follow that self-modifying code. The loops below run long
// enough for the optimizing tiers to take over and deoptimize once.
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
function dot(a, b) { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; }
const a = Float64Array.from({ length: 4096 }, (_, i) => Math.sin(i));
const b = Float64Array.from({ length: 4096 }, (_, i) => Math.cos(i));
let acc = 0;
for (let r = 0; r < 300; r++) acc += dot(a, b);
console.log(fib(27), acc.toFixed(6));
// Deoptimization: a hot function first sees only small integers, then a
// string and a double.
function add(x, y) { return x + y; }
let t = 0;
for (let i = 0; i < 200000; i++) t = add(t, i) % 1000003;
console.log(t, add('arm', 64), add(0.1, 0.2));
const m = new Map();
for (let i = 0; i < 30000; i++) m.set('k' + (i % 977), i);
console.log(m.size, JSON.stringify([...m.entries()].slice(0, 3)));
console.log([5, 1, 4, 2, 3].sort((x, y) => y - x).join(), (12345.6789).toFixed(2), 2n ** 70n);
class V { constructor(x, y) { this.x = x; this.y = y; } len() { return Math.hypot(this.x, this.y); } }
let L = 0; for (let i = 0; i < 100000; i++) L += new V(i, i + 1).len();
console.log(L.toExponential(8));
console.log(require('crypto').createHash('sha256').update('arm64').digest('hex'));
