"""Real Linux TCP for tests/shell/inspect_netns.sh: one side of an exchange.

  peer.py server PORT READY MODE   listen, accept one connection, then by MODE:
      close  read to the end, then close (the client closes first)
      reset  read 1000 bytes, then close with SO_LINGER 0: a RST
  peer.py client HOST PORT BYTES MODE   connect, send BYTES, then by MODE:
      close  shut down the sending side (a FIN), read to the end, close
      reset  read until the server's RST ends the connection
"""
import socket
import struct
import sys


def server(port, ready, mode):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(1)
    open(ready, "w").close()
    conn, _ = ls.accept()
    if mode == "reset":
        got = 0
        while got < 1000:
            got += len(conn.recv(1000 - got))
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    else:
        while conn.recv(65536):
            pass
    conn.close()
    ls.close()


def client(host, port, count, mode):
    s = socket.create_connection((host, port), timeout=10)
    try:
        s.sendall(b"x" * count)
        if mode == "close":
            s.shutdown(socket.SHUT_WR)
        while s.recv(65536):
            pass
    except ConnectionResetError:
        print("reset")
    s.close()


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
