// An exception that nothing catches: std::terminate runs (here through a
// terminate handler that reports and then calls abort), so the process
// dies by SIGABRT.  Destructors of the throwing frames need not run (the
// unwinder finds no handler before calling terminate), so none print.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <stdexcept>

struct Noisy {
    ~Noisy() { std::cout << "destructor (not expected)" << std::endl; }
};

[[noreturn]] void on_terminate()
{
    std::exception_ptr p = std::current_exception();
    try {
        if (p)
            std::rethrow_exception(p);
        std::cout << "terminate without an exception" << std::endl;
    } catch (const std::exception &e) {
        std::cout << "terminate handler: uncaught " << e.what() << std::endl;
    }
    std::abort();
}

__attribute__((noinline)) void thrower(int n)
{
    if (n > 0)
        throw std::runtime_error("nobody catches this");
}

int main(int argc, char **)
{
    std::set_terminate(on_terminate);
    std::cout << "before throw" << std::endl;
    thrower(argc);
    std::cout << "not reached" << std::endl;
    return 0;
}
