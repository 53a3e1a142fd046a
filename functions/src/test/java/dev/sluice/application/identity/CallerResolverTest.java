package dev.sluice.application.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CallerResolverTest {
    private final CallerResolver resolver = CallerResolver.fromAuthorizer();

    private Optional<Caller> resolve(Map<String, Object> authorizer, Map<String, String> query) {
        return resolver.resolve(new CallerResolver.ConnectAttempt(query, Map.of(), authorizer));
    }

    @Test
    void theCallerIsTheAuthorizersSubjectAndAdminComesFromItsGroups() {
        assertEquals(Optional.of(new Caller("u-1", true)),
                resolve(Map.of("sub", "u-1", "email", "a@example.com", "groups", "ops,admin"), Map.of()));
        assertEquals(Optional.of(new Caller("u-2", false)),
                resolve(Map.of("sub", "u-2", "email", "b@example.com", "groups", ""), Map.of()));
    }

    @Test
    void withoutAnAuthorizerSubjectThereIsNoCallerWhateverTheRequestSays() {
        assertEquals(Optional.empty(), resolve(Map.of(), Map.of("token", "anything", "sub", "u-1")));
        assertEquals(Optional.empty(), resolve(Map.of("sub", " "), Map.of()));
        assertEquals(Optional.empty(), resolve(Map.of("sub", "not a usable owner / name"), Map.of()));
    }

    @Test
    void groupsAreReadInEveryShapeTheyArriveIn() {
        assertEquals(List.of("a", "b"), CallerResolver.groups("[a b]"));
        assertEquals(List.of("a", "b"), CallerResolver.groups("a,b"));
        assertEquals(List.of("admin"), CallerResolver.groups("admin"));
        assertEquals(List.of("a", "admin"), CallerResolver.groups("[\"a\",\"admin\"]"));
        assertEquals(List.of("a", "admin"), CallerResolver.groups(List.of("a", "admin")));
        assertEquals(List.of(), CallerResolver.groups(""));
        assertEquals(List.of(), CallerResolver.groups(null));
        assertEquals(List.of("administrators"), CallerResolver.groups("administrators"),
                "a group merely containing the word is not admin");
    }
}
