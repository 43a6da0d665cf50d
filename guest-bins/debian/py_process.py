# subprocess and signals from Python: the shell (/bin/sh of the system),
# pipes both ways, exit statuses, a child killed by a signal, a timeout,
# signal handlers, timers, pthread_kill to a thread, sigwait, and os.fork.
import os
import signal
import subprocess
import sys
import threading
import time

r = subprocess.run(["sh", "-c", "echo out; echo err >&2; exit 3"], capture_output=True, text=True)
print("sh:", r.returncode, repr(r.stdout), repr(r.stderr))
r = subprocess.run("printf '%s\\n' c a b | sort", shell=True, capture_output=True, text=True)
print("pipeline:", repr(r.stdout))
r = subprocess.run([sys.executable, "-c", "import sys; print(sys.stdin.read().upper())"],
                   input="from the parent", capture_output=True, text=True)
print("python child:", r.returncode, repr(r.stdout))
p = subprocess.Popen(["sleep", "30"])
p.terminate()
print("terminated child:", p.wait())
try:
    subprocess.run(["sleep", "30"], timeout=0.2)
except subprocess.TimeoutExpired:
    print("timeout expired")

got = []
signal.signal(signal.SIGUSR1, lambda s, f: got.append("usr1"))
os.kill(os.getpid(), signal.SIGUSR1)
print("handler ran:", got)

signal.signal(signal.SIGALRM, lambda s, f: got.append("alarm"))
signal.setitimer(signal.ITIMER_REAL, 0.05)
t0 = time.monotonic()
time.sleep(0.3)
print("alarm during sleep:", got[-1], "slept fully:", time.monotonic() - t0 >= 0.3)

signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR2])
ready = threading.Event()
received = []


def waiter():
    ready.set()
    received.append(signal.sigwait([signal.SIGUSR2]))


t = threading.Thread(target=waiter)
t.start()
ready.wait()
signal.pthread_kill(t.ident, signal.SIGUSR2)
t.join(10)
print("sigwait in a thread:", received == [signal.SIGUSR2])

pid = os.fork()
if pid == 0:
    os._exit(7)
_, status = os.waitpid(pid, 0)
print("fork child exit:", os.waitstatus_to_exitcode(status))
rfd, wfd = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(rfd)
    os.write(wfd, b"through the pipe")
    os._exit(0)
os.close(wfd)
print("fork pipe:", os.read(rfd, 100).decode())
os.waitpid(pid, 0)
