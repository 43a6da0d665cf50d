// C++ threads: std::thread with a std::mutex-protected counter,
// std::async/std::future (async and deferred launch), a std::promise set
// from another thread, an exception thrown and caught inside a thread,
// std::exception_ptr carried back to main and rethrown there, an
// exception out of std::async rethrown by future::get, a
// std::condition_variable handshake, and thread_local objects whose
// destructors run at thread exit.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include <unistd.h>

static int failures;

static void check(const char *what, bool ok)
{
    std::printf("%s: %s\n", what, ok ? "ok" : "FAIL");
    if (!ok)
        failures++;
}

static std::atomic<int> tl_destroyed{0};
struct TlsObject {
    int value = 5;
    ~TlsObject() { tl_destroyed++; }
};
static thread_local TlsObject tls_object;

int main()
{
    alarm(20);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);

    // threads + mutex
    std::mutex m;
    long counter = 0;
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; i++)
        threads.emplace_back([&] {
            for (int k = 0; k < 10000; k++) {
                std::lock_guard<std::mutex> g(m);
                counter++;
            }
        });
    for (auto &t : threads)
        t.join();
    std::printf("std::thread x8 with std::mutex: counter %ld\n", counter);
    check("no lost update", counter == 80000);

    // async / future
    auto f1 = std::async(std::launch::async, [](int x) { return x * x; }, 12);
    auto f2 = std::async(std::launch::deferred, [] { return std::string("deferred"); });
    std::vector<std::future<long>> sums;
    for (int i = 0; i < 4; i++)
        sums.push_back(std::async(std::launch::async, [i] {
            long s = 0;
            for (int k = 0; k <= 1000 * (i + 1); k++)
                s += k;
            return s;
        }));
    std::printf("async: %d, %s, sums", f1.get(), f2.get().c_str());
    for (auto &s : sums)
        std::printf(" %ld", s.get());
    std::printf("\n");

    std::promise<std::string> prom;
    auto fut = prom.get_future();
    std::thread setter([&] { prom.set_value("from promise"); });
    std::printf("promise: %s\n", fut.get().c_str());
    setter.join();

    // exception caught inside a thread
    std::string caught_inside;
    std::thread thrower([&] {
        try {
            throw std::runtime_error("inside thread");
        } catch (const std::exception &e) {
            caught_inside = e.what();
        }
    });
    thrower.join();
    std::printf("exception caught in thread: %s\n", caught_inside.c_str());
    check("caught in thread", caught_inside == "inside thread");

    // exception_ptr carried to main
    std::exception_ptr ep;
    std::thread carrier([&] {
        try {
            throw std::out_of_range("carried to main");
        } catch (...) {
            ep = std::current_exception();
        }
    });
    carrier.join();
    try {
        if (ep)
            std::rethrow_exception(ep);
        std::printf("no exception_ptr\n");
    } catch (const std::out_of_range &e) {
        std::printf("rethrown in main: out_of_range \"%s\"\n", e.what());
    }

    // exception through std::async
    auto bad = std::async(std::launch::async, []() -> int { throw std::logic_error("via future"); });
    try {
        bad.get();
        std::printf("future::get did not throw\n");
    } catch (const std::logic_error &e) {
        std::printf("future::get rethrew: logic_error \"%s\"\n", e.what());
    }

    // condition variable handshake
    std::condition_variable cv;
    bool ready = false, acked = false;
    std::thread waiter([&] {
        std::unique_lock<std::mutex> lk(m);
        cv.wait(lk, [&] { return ready; });
        acked = true;
        cv.notify_all();
    });
    {
        std::unique_lock<std::mutex> lk(m);
        ready = true;
        cv.notify_all();
        cv.wait(lk, [&] { return acked; });
    }
    waiter.join();
    check("condition_variable handshake", acked);

    // thread_local destructors
    tl_destroyed = 0;
    int seen = 0;
    std::thread t1([&] { seen += tls_object.value; tls_object.value = 9; });
    t1.join();
    std::thread t2([&] { seen += tls_object.value; });
    t2.join();
    std::printf("thread_local: values seen sum %d, destructors run %d\n", seen, tl_destroyed.load());
    check("thread_local fresh per thread and destroyed", seen == 10 && tl_destroyed == 2);

    std::printf("failures: %d\n", failures);
    return failures != 0;
}
