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



def cheaper_queries():
    """moto answers every Query from Table.all_items(), which lists and sorts every item of the table, and then sorts
    the matches again by the key the query orders by. With thousands of items that sort is most of the time a
    burst spends in DynamoDB (Python comparisons, O(n log n) per query). While a query runs, all_items() here
    returns the items unsorted, and only the queried partition for a query of the table itself: the matches and
    their order are the same, since the query sorts them itself. Scans keep the sorted list (their pages rely on
    it). Left out, with a warning, if this moto has no such methods."""
    import threading
    try:
        from moto.dynamodb.models.table import Table
        sorted_items, query = Table.all_items, Table.query
    except (ImportError, AttributeError) as error:
        logging.getLogger("sluice").warning("moto's queries left as they are: %s", error)
        return
    state = threading.local()

    def all_items(self):
        if not getattr(state, "querying", False):
            return sorted_items(self)
        partition = state.partition
        if partition is not None:
            found = self.items.get(partition)
            if found is None:
                return []
            return list(found.values()) if self.range_key_attr else [found]
        items = []
        for hash_set in list(self.items.values()):
            if self.range_key_attr:
                items.extend(hash_set.values())
            else:
                items.append(hash_set)
        return items

    def cheaper_query(self, hash_key, *args, **kwargs):
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        state.querying = True
        state.partition = hash_key if index_name is None and hash_key is not None else None
        try:
            return query(self, hash_key, *args, **kwargs)
        finally:
            state.querying = False
            state.partition = None

    Table.all_items = all_items
    Table.query = cheaper_query


cheaper_queries()
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
