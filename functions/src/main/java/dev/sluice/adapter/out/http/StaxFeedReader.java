package dev.sluice.adapter.out.http;

import dev.sluice.application.port.FeedReader;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads an RSS 2.0 ({@code <item>}) or Atom ({@code <entry>}) feed as one record per item, streaming (StAX). A
 * record's fields are its child elements by local name, nested ones as {@code author.name}; an element without text
 * but with an {@code href} (Atom's {@code <link href=…/>}) gives the href; a repeated field keeps its values joined
 * by {@code " | "}. DTDs and external entities are refused (XXE).
 */
public final class StaxFeedReader implements FeedReader {

    @Override
    public long read(InputStream in, Consumer<Map<String, String>> each) {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        long items = 0;
        try {
            XMLStreamReader xml = factory.createXMLStreamReader(in);
            Map<String, String> record = null;
            Deque<String> path = new ArrayDeque<>();
            StringBuilder text = new StringBuilder();
            boolean sawRoot = false;
            while (xml.hasNext()) {
                int event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    String name = xml.getLocalName();
                    if (!sawRoot) {
                        sawRoot = true;
                        if (!name.equals("rss") && !name.equals("feed") && !name.equals("RDF")) {
                            throw new IllegalArgumentException("the answer is XML but not an RSS or Atom feed (its "
                                    + "root element is <" + name + ">)");
                        }
                    }
                    if (record == null && (name.equals("item") || name.equals("entry"))) {
                        record = new LinkedHashMap<>();
                        path.clear();
                        continue;
                    }
                    if (record != null) {
                        path.addLast(name);
                        text.setLength(0);
                        String href = xml.getAttributeValue(null, "href");
                        String rel = xml.getAttributeValue(null, "rel");
                        if (href != null && (rel == null || rel.equals("alternate"))) {
                            put(record, String.join(".", path), href);
                        }
                    }
                } else if (record != null && (event == XMLStreamConstants.CHARACTERS
                        || event == XMLStreamConstants.CDATA)) {
                    text.append(xml.getText());
                } else if (event == XMLStreamConstants.END_ELEMENT && record != null) {
                    if (path.isEmpty()) {
                        each.accept(record);
                        items++;
                        record = null;
                        continue;
                    }
                    String value = text.toString().strip();
                    if (!value.isEmpty()) {
                        put(record, String.join(".", path), value);
                    }
                    text.setLength(0);
                    path.removeLast();
                }
            }
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException("the feed is not well-formed XML (line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNumber()) + ")");
        }
        return items;
    }

    private static void put(Map<String, String> record, String field, String value) {
        record.merge(field, value, (a, b) -> a + " | " + b);
    }
}
