package dev.sluice.application.port;

import java.io.InputStream;
import java.util.Map;
import java.util.function.Consumer;

/** Reads an RSS 2.0 or Atom feed as one record (field name to text) per item. */
public interface FeedReader {
    /**
     * Calls {@code each} with every item of the feed, in order, and returns how many there were.
     *
     * @throws IllegalArgumentException when the answer is not a feed (the message is safe to show)
     */
    long read(InputStream in, Consumer<Map<String, String>> each);
}
