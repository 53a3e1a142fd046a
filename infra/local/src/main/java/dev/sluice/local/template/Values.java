package dev.sluice.local.template;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small typed accessors over the untyped YAML tree. */
final class Values {
    private Values() {
    }

    static Map<String, Object> stringKeyed(Map<?, ?> map) {
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((key, value) -> result.put(String.valueOf(key), value));
        return result;
    }

    static Map<String, Object> map(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> map) {
            return stringKeyed(map);
        }
        throw new IllegalArgumentException("expected a mapping, got " + value);
    }

    static Map<String, Object> map(Map<String, Object> parent, String key) {
        return map(parent.get(key));
    }

    static List<?> list(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list;
        }
        return List.of(value);
    }

    static Optional<String> string(Map<String, Object> parent, String key) {
        return Optional.ofNullable(parent.get(key)).map(String::valueOf);
    }

    /** Deep merge as SAM applies Globals: maps merge key by key, anything else in {@code override} wins. */
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> result = new LinkedHashMap<>(base);
        override.forEach((key, value) -> {
            Object existing = result.get(key);
            if (existing instanceof Map<?, ?> existingMap && value instanceof Map<?, ?> valueMap
                    && !isIntrinsic(valueMap)) {
                result.put(key, merge(stringKeyed(existingMap), stringKeyed(valueMap)));
            } else {
                result.put(key, value);
            }
        });
        return result;
    }

    static boolean isIntrinsic(Map<?, ?> map) {
        if (map.size() != 1) {
            return false;
        }
        String key = String.valueOf(map.keySet().iterator().next());
        return key.equals("Ref") || key.equals("Condition") || key.startsWith("Fn::");
    }
}
