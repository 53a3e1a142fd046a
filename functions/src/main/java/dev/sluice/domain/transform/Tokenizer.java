package dev.sluice.domain.transform;

import java.util.ArrayList;
import java.util.List;

/** Cuts an expression into tokens; whitespace separates tokens and is otherwise ignored. */
final class Tokenizer {
    private final String source;
    private int at;

    private Tokenizer(String source) {
        this.source = source;
    }

    static List<Token> tokens(String source) {
        return new Tokenizer(source).all();
    }

    private List<Token> all() {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            while (at < source.length() && Character.isWhitespace(source.charAt(at))) {
                at++;
            }
            if (at >= source.length()) {
                tokens.add(new Token(Token.Type.END, "", source.length() + 1));
                return tokens;
            }
            tokens.add(next());
        }
    }

    private Token next() {
        int start = at;
        char c = source.charAt(at);
        if (c >= '0' && c <= '9' || c == '.' && at + 1 < source.length() && isDigit(source.charAt(at + 1))) {
            return number(start);
        }
        if (c == '\'') {
            return string(start);
        }
        if (c == '[') {
            return bracketed(start);
        }
        if (Character.isLetter(c) || c == '_') {
            while (at < source.length() && (Character.isLetterOrDigit(source.charAt(at)) || source.charAt(at) == '_')) {
                at++;
            }
            return new Token(Token.Type.NAME, source.substring(start, at), start + 1);
        }
        at++;
        switch (c) {
            case '(':
                return new Token(Token.Type.LEFT_PAREN, "(", start + 1);
            case ')':
                return new Token(Token.Type.RIGHT_PAREN, ")", start + 1);
            case ',':
                return new Token(Token.Type.COMMA, ",", start + 1);
            case '+', '-', '*', '/', '%':
                return new Token(Token.Type.OPERATOR, String.valueOf(c), start + 1);
            case '=':
                if (peek('=')) {
                    at++;
                }
                return new Token(Token.Type.OPERATOR, "=", start + 1);
            case '!':
                if (peek('=')) {
                    at++;
                    return new Token(Token.Type.OPERATOR, "!=", start + 1);
                }
                break;
            case '<':
                if (peek('=')) {
                    at++;
                    return new Token(Token.Type.OPERATOR, "<=", start + 1);
                }
                if (peek('>')) {
                    at++;
                    return new Token(Token.Type.OPERATOR, "!=", start + 1);
                }
                return new Token(Token.Type.OPERATOR, "<", start + 1);
            case '>':
                if (peek('=')) {
                    at++;
                    return new Token(Token.Type.OPERATOR, ">=", start + 1);
                }
                return new Token(Token.Type.OPERATOR, ">", start + 1);
            default:
                break;
        }
        throw syntax(start + 1, "unexpected character '" + c + "'"
                + (c == '"' ? "; strings are written in single quotes: 'text'" : ""));
    }

    private Token number(int start) {
        boolean point = false;
        while (at < source.length()) {
            char d = source.charAt(at);
            if (d == '.' && !point) {
                point = true;
            } else if (!isDigit(d)) {
                break;
            }
            at++;
        }
        if (at < source.length() && (Character.isLetter(source.charAt(at)) || source.charAt(at) == '_')) {
            throw syntax(at + 1, "a number is followed by '" + source.charAt(at) + "'; names start with a letter, "
                    + "and a column whose name starts with a digit is written in brackets: [2024 spend]");
        }
        return new Token(Token.Type.NUMBER, source.substring(start, at), start + 1);
    }

    /** {@code 'it''s'}: a quote inside a string is doubled. */
    private Token string(int start) {
        StringBuilder text = new StringBuilder();
        at++;
        while (at < source.length()) {
            char d = source.charAt(at++);
            if (d == '\'') {
                if (peek('\'')) {
                    text.append('\'');
                    at++;
                    continue;
                }
                return new Token(Token.Type.STRING, text.toString(), start + 1);
            }
            text.append(d);
        }
        throw syntax(start + 1, "the string opened here is never closed; close it with '");
    }

    /** {@code [Column With Spaces]}: a bracket inside the name is doubled ({@code [a]]b]} is {@code a]b}). */
    private Token bracketed(int start) {
        StringBuilder text = new StringBuilder();
        at++;
        while (at < source.length()) {
            char d = source.charAt(at++);
            if (d == ']') {
                if (peek(']')) {
                    text.append(']');
                    at++;
                    continue;
                }
                if (text.isEmpty()) {
                    throw syntax(start + 1, "[] names no column");
                }
                return new Token(Token.Type.BRACKETED_NAME, text.toString(), start + 1);
            }
            text.append(d);
        }
        throw syntax(start + 1, "the column name opened with [ here is never closed; close it with ]");
    }

    private boolean peek(char wanted) {
        return at < source.length() && source.charAt(at) == wanted;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private ExpressionException syntax(int position, String detail) {
        return new ExpressionException(ExpressionException.Problem.SYNTAX, source, position, detail);
    }
}
