package dev.sluice.local.template;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates CloudFormation intrinsic functions against local values. What a {@code Ref} or
 * {@code Fn::GetAtt} means is decided by the {@link Environment} (parameters, local queue URLs, ...).
 */
public final class Intrinsics {
    /** Marks a value that resolves to {@code AWS::NoValue}: the property is dropped. */
    public static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{(!?)([^}]*)}");
    private static final Pattern DYNAMIC_REFERENCE = Pattern.compile("\\{\\{resolve:([^}]*)}}");

    /** What names mean locally. */
    public interface Environment {
        /** Value of {@code Ref name}: a parameter value, a pseudo parameter or a resource's physical id. */
        Object ref(String name);

        /** Value of {@code Fn::GetAtt resource.attribute}. */
        Object getAtt(String resource, String attribute);

        /** Value of a {@code {{resolve:service:...}}} dynamic reference (e.g. a Secrets Manager secret). */
        String dynamicReference(String reference);

        /** Value of a named condition (template Conditions section). */
        boolean condition(String name);
    }

    private final Environment environment;

    public Intrinsics(Environment environment) {
        this.environment = environment;
    }

    public Object resolve(Object node) {
        if (node instanceof Map<?, ?> raw) {
            Map<String, Object> map = Values.stringKeyed(raw);
            if (Values.isIntrinsic(map)) {
                Map.Entry<String, Object> call = map.entrySet().iterator().next();
                return call(call.getKey(), call.getValue());
            }
            Map<String, Object> result = new LinkedHashMap<>();
            map.forEach((key, value) -> {
                Object resolved = resolve(value);
                if (resolved != NO_VALUE) {
                    result.put(key, resolved);
                }
            });
            return result;
        }
        if (node instanceof List<?> list) {
            List<Object> result = new ArrayList<>();
            for (Object item : list) {
                Object resolved = resolve(item);
                if (resolved != NO_VALUE) {
                    result.add(resolved);
                }
            }
            return result;
        }
        if (node instanceof String text && text.contains("{{resolve:")) {
            return dynamicReferences(text);
        }
        return node;
    }

    public String resolveString(Object node) {
        Object value = resolve(node);
        return value == null || value == NO_VALUE ? null : String.valueOf(value);
    }

    private Object call(String function, Object argument) {
        return switch (function) {
            case "Ref" -> {
                String name = String.valueOf(resolve(argument));
                yield name.equals("AWS::NoValue") ? NO_VALUE : environment.ref(name);
            }
            case "Condition" -> environment.condition(String.valueOf(argument));
            case "Fn::GetAtt" -> {
                List<?> parts = Values.list(resolve(argument));
                if (parts.size() == 1) {
                    String text = String.valueOf(parts.getFirst());
                    int dot = text.indexOf('.');
                    yield environment.getAtt(text.substring(0, dot), text.substring(dot + 1));
                }
                yield environment.getAtt(String.valueOf(parts.get(0)), String.valueOf(parts.get(1)));
            }
            case "Fn::Sub" -> sub(argument);
            case "Fn::Join" -> {
                List<?> parts = Values.list(argument);
                String delimiter = String.valueOf(resolve(parts.get(0)));
                List<String> items = new ArrayList<>();
                for (Object item : Values.list(resolve(parts.get(1)))) {
                    items.add(String.valueOf(item));
                }
                yield String.join(delimiter, items);
            }
            case "Fn::Select" -> {
                List<?> parts = Values.list(argument);
                int index = Integer.parseInt(String.valueOf(resolve(parts.get(0))));
                yield Values.list(resolve(parts.get(1))).get(index);
            }
            case "Fn::Split" -> {
                List<?> parts = Values.list(argument);
                String delimiter = String.valueOf(resolve(parts.get(0)));
                yield List.of(String.valueOf(resolve(parts.get(1))).split(Pattern.quote(delimiter), -1));
            }
            case "Fn::If" -> {
                List<?> parts = Values.list(argument);
                yield resolve(environment.condition(String.valueOf(parts.get(0))) ? parts.get(1) : parts.get(2));
            }
            case "Fn::Equals" -> {
                List<?> parts = Values.list(argument);
                yield Objects.equals(String.valueOf(resolve(parts.get(0))), String.valueOf(resolve(parts.get(1))));
            }
            case "Fn::Not" -> !truth(Values.list(argument).getFirst());
            case "Fn::And" -> Values.list(argument).stream().allMatch(this::truth);
            case "Fn::Or" -> Values.list(argument).stream().anyMatch(this::truth);
            case "Fn::Base64" -> Base64.getEncoder().encodeToString(String.valueOf(resolve(argument)).getBytes());
            case "Fn::GetAZs" -> List.of("us-east-1a", "us-east-1b", "us-east-1c");
            case "Fn::Length" -> Values.list(resolve(argument)).size();
            default -> throw new IllegalArgumentException("intrinsic " + function + " is not supported locally");
        };
    }

    private boolean truth(Object node) {
        return Boolean.parseBoolean(String.valueOf(resolve(node)));
    }

    private String sub(Object argument) {
        String template;
        Map<String, Object> variables = Map.of();
        if (argument instanceof List<?> parts) {
            template = String.valueOf(parts.get(0));
            variables = Values.map(parts.get(1));
        } else {
            template = String.valueOf(argument);
        }
        Matcher matcher = SUB_VARIABLE.matcher(template);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String replacement;
            String name = matcher.group(2);
            if (!matcher.group(1).isEmpty()) {
                replacement = "${" + name + "}";
            } else if (variables.containsKey(name)) {
                replacement = String.valueOf(resolve(variables.get(name)));
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                int dot = name.indexOf('.');
                replacement = String.valueOf(environment.getAtt(name.substring(0, dot), name.substring(dot + 1)));
            } else {
                replacement = String.valueOf(environment.ref(name));
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(result);
        return dynamicReferences(result.toString());
    }

    private String dynamicReferences(String text) {
        Matcher matcher = DYNAMIC_REFERENCE.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(result, Matcher.quoteReplacement(environment.dynamicReference(matcher.group(1))));
        }
        matcher.appendTail(result);
        return result.toString();
    }
}
