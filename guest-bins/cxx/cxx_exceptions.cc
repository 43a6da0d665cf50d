// C++ runtime paths: exceptions thrown and caught across frames (DWARF
// unwinding through libgcc), destructors run in reverse order during
// unwinding, rethrow and nested try blocks, catch by base class, standard
// exceptions from the library, std::string/vector/map, std::sort, virtual
// calls, std::function with capturing lambdas, and iostream output.
#include <algorithm>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

std::vector<std::string> log_lines;

struct Tracer {
    std::string name;
    explicit Tracer(std::string n) : name(std::move(n)) { std::cout << "  ctor " << name << '\n'; }
    ~Tracer() { std::cout << "  dtor " << name << '\n'; }
    Tracer(const Tracer &) = delete;
    Tracer &operator=(const Tracer &) = delete;
};

struct AppError : std::runtime_error {
    int code;
    AppError(const std::string &what, int c) : std::runtime_error(what), code(c) {}
};

struct DeepError : AppError {
    explicit DeepError(int depth) : AppError("deep error at depth " + std::to_string(depth), depth) {}
};

__attribute__((noinline)) void recurse(int depth, int limit)
{
    Tracer t("frame" + std::to_string(depth));
    if (depth == limit)
        throw DeepError(depth);
    recurse(depth + 1, limit);
}

void across_frames()
{
    std::cout << "throw across frames:\n";
    try {
        Tracer outer("outer");
        recurse(0, 3);
    } catch (const AppError &e) { // caught by base class
        std::cout << "  caught AppError: " << e.what() << " code " << e.code << '\n';
    }
}

void rethrow_nested()
{
    std::cout << "rethrow and nested try:\n";
    try {
        try {
            Tracer t("inner");
            throw std::out_of_range("index 7");
        } catch (const std::logic_error &e) {
            std::cout << "  inner caught logic_error: " << e.what() << ", rethrowing\n";
            throw;
        }
    } catch (const std::out_of_range &e) {
        std::cout << "  outer caught out_of_range: " << e.what() << '\n';
    }
    try {
        try {
            throw 42;
        } catch (int v) {
            std::cout << "  caught int " << v << ", throwing a string\n";
            throw std::string("converted");
        }
    } catch (const std::string &s) {
        std::cout << "  caught std::string " << s << '\n';
    }
    try {
        throw 3.5;
    } catch (...) {
        std::cout << "  catch (...) got it\n";
    }
    // std::exception_ptr carries an exception out of its catch block.
    std::exception_ptr saved;
    try {
        throw std::invalid_argument("saved for later");
    } catch (...) {
        saved = std::current_exception();
    }
    try {
        std::rethrow_exception(saved);
    } catch (const std::exception &e) {
        std::cout << "  rethrow_exception: " << e.what() << '\n';
    }
}

void library_exceptions()
{
    std::cout << "library exceptions:\n";
    std::vector<int> v(3);
    try {
        v.at(10) = 1;
    } catch (const std::out_of_range &) {
        std::cout << "  vector::at threw out_of_range\n";
    }
    try {
        int n = std::stoi("not a number");
        std::cout << "  stoi returned " << n << '\n';
    } catch (const std::invalid_argument &) {
        std::cout << "  stoi threw invalid_argument\n";
    }
    try {
        std::map<std::string, int> m;
        (void)m.at("absent");
    } catch (const std::out_of_range &) {
        std::cout << "  map::at threw out_of_range\n";
    }
}

struct Shape {
    virtual ~Shape() { std::cout << "  ~Shape\n"; }
    virtual double area() const = 0;
    virtual std::string name() const { return "shape"; }
};

struct Rect : Shape {
    double w, h;
    Rect(double a, double b) : w(a), h(b) {}
    ~Rect() override { std::cout << "  ~Rect " << w << "x" << h << '\n'; }
    double area() const override { return w * h; }
    std::string name() const override { return "rect"; }
};

struct Square : Rect {
    explicit Square(double s) : Rect(s, s) {}
    ~Square() override { std::cout << "  ~Square\n"; }
    std::string name() const override { return "square"; }
};

struct Circle : Shape {
    double r;
    explicit Circle(double x) : r(x) {}
    double area() const override { return 3.0 * r * r; } // integer-friendly pi
};

void virtual_calls()
{
    std::cout << "virtual calls:\n";
    std::vector<std::unique_ptr<Shape>> shapes;
    shapes.push_back(std::make_unique<Rect>(2, 3));
    shapes.push_back(std::make_unique<Square>(4));
    shapes.push_back(std::make_unique<Circle>(1.5));
    double total = 0;
    for (const auto &s : shapes) {
        std::cout << "  " << s->name() << " area " << s->area() << '\n';
        total += s->area();
    }
    std::cout << "  total " << total << '\n';
    std::cout << "  destroying:\n";
    shapes.clear();
}

void containers()
{
    std::cout << "containers:\n";
    std::vector<std::string> words = {"pear", "apple", "fig", "banana", "cherry", "date", "apple"};
    std::sort(words.begin(), words.end());
    std::cout << " ";
    for (const auto &w : words)
        std::cout << ' ' << w;
    std::cout << '\n';
    std::stable_sort(words.begin(), words.end(),
                     [](const std::string &a, const std::string &b) { return a.size() < b.size(); });
    std::cout << " ";
    for (const auto &w : words)
        std::cout << ' ' << w;
    std::cout << '\n';

    std::map<std::string, int> counts;
    for (const auto &w : words)
        counts[w] += static_cast<int>(w.size());
    for (const auto &[k, v] : counts)
        std::cout << "  " << k << " -> " << v << '\n';

    std::vector<int> nums;
    for (int i = 0; i < 20; i++)
        nums.push_back((i * 7919) % 31 - 15);
    std::sort(nums.begin(), nums.end(), std::greater<int>());
    std::cout << " ";
    for (int n : nums)
        std::cout << ' ' << n;
    std::cout << '\n';

    std::string s = "Hello";
    s += ", world";
    s.insert(0, ">> ");
    s.replace(s.find("world"), 5, "C++");
    std::cout << "  string: " << s << " (length " << s.size() << ", find 'C' at " << s.find('C')
              << ")\n";
    std::ostringstream os;
    os << std::hex << 255 << ' ' << std::dec << std::setw(6) << std::setfill('0') << 42 << ' '
       << std::fixed << std::setprecision(3) << 3.14159;
    std::cout << "  ostringstream: " << os.str() << '\n';
}

void functions()
{
    std::cout << "std::function and lambdas:\n";
    int base = 10;
    std::function<int(int)> add = [base](int x) { return x + base; };
    std::function<int(int)> twice = [&add](int x) { return add(add(x)); };
    int counter = 0;
    auto bump = [&counter]() mutable { return ++counter; };
    bump();
    bump();
    std::cout << "  add(5)=" << add(5) << " twice(5)=" << twice(5) << " counter=" << counter
              << '\n';
    std::vector<std::function<std::string(const std::string &)>> pipeline = {
        [](const std::string &s) { return s + "!"; },
        [](const std::string &s) { return "<" + s + ">"; },
        [](const std::string &s) {
            std::string r(s.rbegin(), s.rend());
            return r;
        },
    };
    std::string v = "abc";
    for (const auto &f : pipeline)
        v = f(v);
    std::cout << "  pipeline: " << v << '\n';
    std::function<int(int)> fact = [&fact](int n) { return n <= 1 ? 1 : n * fact(n - 1); };
    std::cout << "  fact(10)=" << fact(10) << '\n';
    std::function<void()> empty;
    try {
        empty();
    } catch (const std::bad_function_call &) {
        std::cout << "  empty std::function threw bad_function_call\n";
    }
    // An exception thrown through std::function and a lambda.
    std::function<void(int)> thrower = [](int n) {
        Tracer t("lambda frame");
        if (n > 0)
            throw AppError("from lambda", n);
    };
    try {
        thrower(5);
    } catch (const AppError &e) {
        std::cout << "  caught " << e.what() << " code " << e.code << '\n';
    }
}

} // namespace

int main()
{
    across_frames();
    rethrow_nested();
    library_exceptions();
    virtual_calls();
    containers();
    functions();
    std::cout << "done" << std::endl;
    return 0;
}
