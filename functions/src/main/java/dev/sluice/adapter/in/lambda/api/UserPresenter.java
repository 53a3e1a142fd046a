package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.identity.SignedInUser;

/** {@code GET /api/me}: {@code {"sub","email","groups":[...],"admin"}}, as the token names the caller. */
public final class UserPresenter {
    private final ObjectMapper json;

    public UserPresenter(ObjectMapper json) {
        this.json = json;
    }

    public ObjectNode me(SignedInUser user) {
        ObjectNode response = json.createObjectNode();
        response.put("sub", user.subject());
        response.put("email", user.email());
        user.groups().forEach(response.putArray("groups")::add);
        response.put("admin", user.admin());
        return response;
    }
}
