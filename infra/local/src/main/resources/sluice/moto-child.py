# The local runtime's DynamoDB: moto's server on a free port of 127.0.0.1, for as long as its parent lives.
# The parent keeps this process's standard input open and never writes to it, so end of input means the parent
# has ended, however it ended (kill -9 included): the kernel closes the pipe, and this process exits.
import os
import sys

try:
    import logging
    from moto.server import ThreadedMotoServer
except ImportError as error:
    print("MISSING " + str(error).replace("\n", " "), flush=True)
    sys.exit(3)

# werkzeug logs one line per request; warnings and errors still reach the log file.
logging.getLogger("werkzeug").setLevel(logging.WARNING)
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print("READY %d %s" % (server.get_host_and_port()[1], sys.executable), flush=True)
# Nothing else goes to the parent's pipe, which it stops reading after this line.
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
while sys.stdin.buffer.read(4096):
    pass
os._exit(0)
