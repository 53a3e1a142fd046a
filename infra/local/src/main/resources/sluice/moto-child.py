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


def cheaper_routing():
    """moto picks the backend of every request by listing its own package directory (a directory check for each of
    some 150 services) and then matching the host against every service's URL patterns, under one lock that every
    request thread waits for: about a third of the emulator's time in a burst. The package directory does not change
    while the server runs, so it is listed once here, and each host's answer is kept."""
    try:
        from moto import backends
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication
        lookup = DomainDispatcherApplication.get_backend_for_host
    except (ImportError, AttributeError) as error:
        logging.getLogger("sluice").warning("moto's routing left as it is: %s", error)
        return
    modules = frozenset(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    answers = {}

    def get_backend_for_host(self, host):
        if host not in answers:
            answers[host] = lookup(self, host)
        return answers[host]

    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host


cheaper_routing()


def cheaper_item_answers():
    """moto writes every answer through a serializer driven by the service's model, which walks each attribute of
    each item through several lookups: the largest part of the emulator's time for item reads and writes and for
    stream records. The answers of the operations below are already DynamoDB's JSON when moto builds them
    (attribute values as {"S": ...}), so they are written with json.dumps, as the serializer would write them:
    without None values, binary values in base64, times in epoch seconds truncated to milliseconds. Errors and
    every other operation keep the serializer. With SLUICE_MOTO_COMPARE=FILE both are made and any difference is
    written to FILE (a check for a newer moto)."""
    import base64
    import calendar
    import datetime
    import json
    try:
        from moto.core.responses import ActionResult
        serialized = ActionResult.execute_result
    except (ImportError, AttributeError) as error:
        logging.getLogger("sluice").warning("moto's answers left as they are: %s", error)
        return
    plain_operations = {
        "dynamodb": {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
                     "BatchWriteItem", "TransactGetItems", "TransactWriteItems"},
        "dynamodbstreams": {"GetRecords"},
    }
    compare = os.environ.get("SLUICE_MOTO_COMPARE")

    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items() if v is not None}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, (bytes, bytearray)):
            return base64.b64encode(value).decode("ascii")
        if isinstance(value, datetime.datetime):
            seconds = calendar.timegm(value.utctimetuple() if value.tzinfo else value.timetuple())
            return seconds + (value.microsecond // 1000) / 1000.0 if value.microsecond else seconds
        return value

    def execute_result(self, context):
        operations = plain_operations.get(context.service_model.service_name, ())
        if context.operation_model.name not in operations or not isinstance(self.result, dict):
            return serialized(self, context)
        body = json.dumps(plain(self.result), separators=(",", ":"))
        answer = 200, {"Content-Type": "application/x-amz-json-1.0"}, body
        if compare:
            expected = serialized(self, context)
            if (expected[0], json.loads(expected[2] or "{}")) != (200, json.loads(body)):
                with open(compare, "a") as out:
                    out.write(context.operation_model.name + " " + repr(expected) + " GOT " + body + "\n")
        return answer

    ActionResult.execute_result = execute_result


cheaper_item_answers()

def cheaper_update_expressions():
    """moto parses an UpdateItem's update expression twice (once to check it, once to apply it) and then deep-copies
    the tree before validating it against the item: together a third of the emulator's time in a burst, where the
    same few expressions (with placeholders for names and values) come again and again. Here each expression text
    is parsed once and kept pickled; every later parse, and the validator's copy of a tree, is a pickle round trip,
    which builds the same objects as the deep copy (the tree holds plain node objects) in a sixth of the time.
    moto's listing of a response class's methods, done for every request, is kept per class too. Left out, with a
    warning, if this moto has no such names."""
    import copy
    import functools
    import pickle
    try:
        from moto.core import responses as core_responses
        from moto.dynamodb.parsing import ast_nodes, validators
        from moto.dynamodb.parsing.expressions import UpdateExpressionParser
        parse = UpdateExpressionParser.make.__func__
        node_type = ast_nodes.Node
        listed = core_responses.method_names_from_class
    except (ImportError, AttributeError) as error:
        logging.getLogger("sluice").warning("moto's update expressions left as they are: %s", error)
        return
    parsed = {}

    def make(cls, expression_str):
        kept = parsed.get((cls, expression_str))
        if kept is None:
            tree = parse(cls, expression_str)
            if len(parsed) >= 1024:
                parsed.clear()
            parsed[(cls, expression_str)] = pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL)
            return tree
        return pickle.loads(kept)

    def tree_copy(value, memo=None):
        if memo is None and isinstance(value, node_type):
            return pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return copy.deepcopy(value, memo)

    UpdateExpressionParser.make = classmethod(make)
    validators.deepcopy = tree_copy
    core_responses.method_names_from_class = functools.lru_cache(maxsize=None)(listed)


cheaper_update_expressions()

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
