package dev.sluice.domain.transform;

import dev.sluice.domain.transform.ExpressionException.Problem;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive descent over the tokens, one method per precedence level (lowest first):
 * <pre>
 * expression     := or
 * or             := and ( "or" and )*
 * and            := not ( "and" not )*
 * not            := "not" not | comparison
 * comparison     := additive ( ( "=" | "==" | "!=" | "&lt;&gt;" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=" ) additive )?
 * additive       := multiplicative ( ( "+" | "-" ) multiplicative )*
 * multiplicative := unary ( ( "*" | "/" | "%" ) unary )*
 * unary          := "-" unary | primary
 * primary        := NUMBER | STRING | "true" | "false" | "null" | NAME "(" arguments? ")" | NAME | [NAME]
 *                 | "(" expression ")"
 * </pre>
 * Depth (nesting of parentheses, calls and unary operators) and node count are bounded while parsing, so a hostile
 * expression is refused before it can use the stack.
 */
final class Parser {
    private final String source;
    private final List<Token> tokens;
    private int next;
    private int depth;
    private int nodes;

    private Parser(String source) {
        this.source = source;
        this.tokens = Tokenizer.tokens(source);
    }

    static Node expression(String source) {
        Parser parser = new Parser(source);
        Node root = parser.or();
        parser.expectEnd();
        return root;
    }

    /**
     * A pipeline step: a function name, with its arguments after the first in parentheses ({@code trim},
     * {@code replace(',', '.')}); the value being transformed is the first argument.
     */
    static Node step(String source) {
        Parser parser = new Parser(source);
        Token name = parser.take();
        if (name.type() != Token.Type.NAME) {
            throw parser.syntax(name, "a transform starts with its name: " + Function.names(true));
        }
        Function function = Function.byName(name.text()).filter(Function::isStep).orElseThrow(() ->
                new ExpressionException(Problem.UNKNOWN_FUNCTION, source, name.position(), "'" + name.text()
                        + "' is not a transform; transforms are " + Function.names(true)));
        List<Node> arguments = new ArrayList<>();
        arguments.add(new Node.Input(name.position()));
        if (parser.peek().type() == Token.Type.LEFT_PAREN) {
            parser.take();
            arguments.addAll(parser.arguments());
        }
        parser.expectEnd();
        return parser.call(function, name, arguments, 1);
    }

    private Node or() {
        enter();
        Node left = and();
        while (peek().isKeyword("or")) {
            Token op = take();
            left = count(new Node.Logical(false, left, and(), op.position()));
        }
        depth--;
        return left;
    }

    private Node and() {
        Node left = not();
        while (peek().isKeyword("and")) {
            Token op = take();
            left = count(new Node.Logical(true, left, not(), op.position()));
        }
        return left;
    }

    private Node not() {
        if (peek().isKeyword("not")) {
            Token op = take();
            enter();
            Node operand = not();
            depth--;
            return count(new Node.Not(operand, op.position()));
        }
        return comparison();
    }

    private Node comparison() {
        Node left = additive();
        Token op = peek();
        if (op.type() == Token.Type.OPERATOR && List.of("=", "!=", "<", "<=", ">", ">=").contains(op.text())) {
            take();
            Node right = additive();
            Token after = peek();
            if (after.type() == Token.Type.OPERATOR && List.of("=", "!=", "<", "<=", ">", ">=")
                    .contains(after.text())) {
                throw syntax(after, "comparisons do not chain; write a < b and b < c");
            }
            return count(new Node.Comparison(op.text(), left, right, op.position()));
        }
        return left;
    }

    private Node additive() {
        Node left = multiplicative();
        while (peek().isOperator("+") || peek().isOperator("-")) {
            Token op = take();
            left = count(new Node.Arithmetic(op.text().charAt(0), left, multiplicative(), op.position()));
        }
        return left;
    }

    private Node multiplicative() {
        Node left = unary();
        while (peek().isOperator("*") || peek().isOperator("/") || peek().isOperator("%")) {
            Token op = take();
            left = count(new Node.Arithmetic(op.text().charAt(0), left, unary(), op.position()));
        }
        return left;
    }

    private Node unary() {
        if (peek().isOperator("-")) {
            Token op = take();
            enter();
            Node operand = unary();
            depth--;
            return count(new Node.Negate(operand, op.position()));
        }
        return primary();
    }

    private Node primary() {
        Token token = take();
        switch (token.type()) {
            case NUMBER:
                return count(new Node.Literal(new BigDecimal(token.text()), token.position()));
            case STRING:
                if (token.text().length() > Expression.MAX_STRING) {
                    throw new ExpressionException(Problem.LIMIT, source, token.position(), "a string is longer "
                            + "than " + Expression.MAX_STRING + " characters");
                }
                return count(new Node.Literal(token.text(), token.position()));
            case BRACKETED_NAME:
                return count(new Node.Column(token.text(), token.position()));
            case LEFT_PAREN: {
                Node inner = or();
                expect(Token.Type.RIGHT_PAREN, "')' to close the '(' at character " + token.position());
                return inner;
            }
            case NAME:
                return name(token);
            default:
                throw syntax(token, "expected a value, a column or a function but found " + token.describe());
        }
    }

    private Node name(Token token) {
        if (token.isKeyword("true") || token.isKeyword("false")) {
            return count(new Node.Literal(token.isKeyword("true"), token.position()));
        }
        if (token.isKeyword("null")) {
            return count(new Node.Literal(null, token.position()));
        }
        if (token.isKeyword("and") || token.isKeyword("or") || token.isKeyword("not")) {
            throw syntax(token, "'" + token.text() + "' is an operator here; a column with that name is written ["
                    + token.text() + "]");
        }
        if (peek().type() != Token.Type.LEFT_PAREN) {
            return count(new Node.Column(token.text(), token.position()));
        }
        take();
        Function function = Function.byName(token.text()).orElseThrow(() -> new ExpressionException(
                Problem.UNKNOWN_FUNCTION, source, token.position(), "unknown function '" + token.text()
                        + "'; functions are " + Function.names(false)));
        enter();
        List<Node> arguments = arguments();
        depth--;
        return call(function, token, arguments, 0);
    }

    /** The arguments after an opening parenthesis, through the closing one. */
    private List<Node> arguments() {
        List<Node> arguments = new ArrayList<>();
        if (peek().type() == Token.Type.RIGHT_PAREN) {
            take();
            return arguments;
        }
        while (true) {
            arguments.add(or());
            Token after = take();
            if (after.type() == Token.Type.RIGHT_PAREN) {
                return arguments;
            }
            if (after.type() != Token.Type.COMMA) {
                throw syntax(after, "expected ',' or ')' in the arguments but found " + after.describe());
            }
        }
    }

    /** @param implicit arguments the writer does not write (a step's value) */
    private Node call(Function function, Token name, List<Node> arguments, int implicit) {
        int written = arguments.size() - implicit;
        int min = function.minArguments() - implicit;
        int max = function.maxArguments() - implicit;
        if (written < min || written > max) {
            String wanted = min == max ? String.valueOf(min) : max >= 50 ? min + " or more" : min + " to " + max;
            throw new ExpressionException(Problem.UNKNOWN_FUNCTION, source, name.position(), function.functionName()
                    + " takes " + wanted + (max == 1 ? " argument" : " arguments") + " but was given " + written);
        }
        Object prepared = function.prepare(arguments, source);
        return count(new Node.Call(function, arguments, prepared, name.position()));
    }

    private void enter() {
        if (++depth > Expression.MAX_DEPTH) {
            throw new ExpressionException(Problem.LIMIT, source, peek().position(), "nested more than "
                    + Expression.MAX_DEPTH + " levels deep");
        }
    }

    private Node count(Node node) {
        if (++nodes > Expression.MAX_NODES) {
            throw new ExpressionException(Problem.LIMIT, source, node.position(), "has more than "
                    + Expression.MAX_NODES + " parts (values, columns, operators and calls)");
        }
        return node;
    }

    private void expect(Token.Type type, String what) {
        Token token = take();
        if (token.type() != type) {
            throw syntax(token, "expected " + what + " but found " + token.describe());
        }
    }

    private void expectEnd() {
        Token token = peek();
        if (token.type() != Token.Type.END) {
            throw syntax(token, "unexpected " + token.describe() + " after a complete expression"
                    + (token.type() == Token.Type.NAME || token.type() == Token.Type.BRACKETED_NAME
                    ? "; a column name with spaces is written in brackets: [Cost EUR]" : ""));
        }
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token take() {
        Token token = tokens.get(next);
        if (token.type() != Token.Type.END) {
            next++;
        }
        return token;
    }

    private ExpressionException syntax(Token at, String detail) {
        return new ExpressionException(Problem.SYNTAX, source, at.position(), detail);
    }
}
