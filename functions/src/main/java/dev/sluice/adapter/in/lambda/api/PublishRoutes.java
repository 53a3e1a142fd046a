package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.publish.RunPublications;

/**
 * The publication routes of a run: review (GET), publish (202), discard and rollback. Without a use case (handler
 * tests of the other routes) none is registered, and the paths answer like any unknown route.
 */
public final class PublishRoutes {
    private PublishRoutes() {
    }

    public static Routes register(Routes routes, RunPublications publications, RunPresenter runs, ObjectMapper json) {
        if (publications == null) {
            return routes;
        }
        PublicationPresenter presenter = new PublicationPresenter(json);
        return routes
                .get("/api/runs/{id}/review", call -> ApiResponse.ok(presenter.review(
                        publications.review(call.caller(), call.path("id")))))
                .post("/api/runs/{id}/publish", call -> new ApiResponse(202, runs.run(
                        publications.publish(call.caller(), call.path("id"))), java.util.Map.of()))
                .post("/api/runs/{id}/discard", call -> ApiResponse.ok(runs.run(
                        publications.discard(call.caller(), call.path("id")))))
                .post("/api/runs/{id}/rollback", call -> ApiResponse.ok(runs.run(
                        publications.rollback(call.caller(), call.path("id")))));
    }
}
