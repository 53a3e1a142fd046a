package dev.sluice.adapter.out.postgres;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;

/**
 * The one place that makes text storable in PostgreSQL. A {@code text} or {@code jsonb} value in a UTF8 database
 * cannot hold U+0000 (the server refuses the whole statement or COPY with SQLState 22021 and the chunk's
 * transaction rolls back), and a Java string may hold an unpaired surrogate, which is no character at all and has
 * no UTF-8 form. Both become U+FFFD, so a message that quotes a bad value still shows where it was.
 *
 * <p>Everything this adapter writes passes here: the COPY encoder calls {@link #safe} for every text it encodes
 * (values, extra-column names and values), and every connection from {@link ConnectionPool} is {@link #guard
 * guarded}, so each string bound to a statement (row-error messages, raw excerpts, column names, dead-chunk
 * reasons, ids) is made safe without its call site having to remember.
 */
public final class PostgresText {
    /** What replaces a char PostgreSQL cannot store. */
    public static final char REPLACEMENT = '\uFFFD';

    private PostgresText() {
    }

    /** {@code text} itself when PostgreSQL can store it as is, else a copy with each offending char replaced. */
    public static String safe(String text) {
        if (text == null) {
            return null;
        }
        int first = firstUnsafe(text);
        if (first < 0) {
            return text;
        }
        int length = text.length();
        StringBuilder out = new StringBuilder(length).append(text, 0, first);
        for (int i = first; i < length; i++) {
            char c = text.charAt(i);
            if (c == 0) {
                out.append(REPLACEMENT);
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append(REPLACEMENT);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Index of the first char PostgreSQL cannot store, or -1. */
    static int firstUnsafe(String text) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return i;
            }
            if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * The connection, with every statement it prepares passing each bound string through {@link #safe}.
     * {@code unwrap} still reaches the driver's own connection (the COPY API), whose data the COPY encoder
     * has made safe itself.
     */
    static Connection guard(Connection connection) {
        if (Proxy.isProxyClass(connection.getClass())
                && Proxy.getInvocationHandler(connection) instanceof Guard) {
            return connection;
        }
        return (Connection) Proxy.newProxyInstance(PostgresText.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new Guard(connection));
    }

    /** Forwards every call; wraps prepared statements and cleans the strings bound to them. */
    private record Guard(Object target) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (target instanceof PreparedStatement && args != null && args.length >= 2
                    && args[1] instanceof String value && method.getName().startsWith("set")) {
                // setString, setNString, setObject(i, String, ...): the value is always the second argument.
                args[1] = safe(value);
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result instanceof CallableStatement statement) {
                return Proxy.newProxyInstance(PostgresText.class.getClassLoader(),
                        new Class<?>[] {CallableStatement.class}, new Guard(statement));
            }
            if (result instanceof PreparedStatement statement) {
                return Proxy.newProxyInstance(PostgresText.class.getClassLoader(),
                        new Class<?>[] {PreparedStatement.class}, new Guard(statement));
            }
            return result;
        }
    }
}
