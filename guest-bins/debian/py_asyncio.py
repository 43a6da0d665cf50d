# asyncio: the event loop (epoll selector with a self-pipe socketpair),
# tasks, timers, subprocesses with pipes, and a TCP echo server on loopback.
import asyncio


async def echo(reader, writer):
    data = await reader.read(100)
    writer.write(data.upper())
    await writer.drain()
    writer.close()


async def main():
    results = await asyncio.gather(*(asyncio.sleep(d / 100, result=d) for d in (3, 1, 2)))
    print("gather:", results)
    proc = await asyncio.create_subprocess_exec(
        "sh", "-c", "read x; echo got $x", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate(b"line\n")
    print("subprocess:", out.decode().strip(), proc.returncode)
    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"hello over tcp")
    await writer.drain()
    print("echo:", (await reader.read(100)).decode())
    writer.close()
    server.close()
    await server.wait_closed()
    try:
        await asyncio.wait_for(asyncio.sleep(10), 0.05)
    except asyncio.TimeoutError:
        print("wait_for timed out")


asyncio.run(main())
