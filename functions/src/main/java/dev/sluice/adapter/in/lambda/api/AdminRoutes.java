package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.admin.AdminRunFilter;
import dev.sluice.application.admin.AdminRuns;
import dev.sluice.application.admin.Operations;
import dev.sluice.application.identity.SignedInUser;
import dev.sluice.application.port.RunSearch;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The operations routes: {@code GET /api/admin/runs} for administrators (to anyone else every {@code /api/admin}
 * path answers as a path that does not exist), and {@code GET /api/health} and {@code GET /api/stats}, which answer
 * without sign-in (a load balancer calls them) and name no user, file or run.
 */
public final class AdminRoutes {
    private static final String ADMIN_PREFIX = "/api/admin";

    private final Operations operations;
    private final RunPresenter runs;
    private final Supplier<Function<String, String>> datasetKinds;
    private final RequestBinder binder;
    private final HealthPresenter health;
    private final StatsPresenter stats;

    public AdminRoutes(ObjectMapper json, Operations operations, RunPresenter runs,
            Supplier<Function<String, String>> datasetKinds, RequestBinder binder) {
        this.operations = operations;
        this.runs = runs;
        this.datasetKinds = datasetKinds;
        this.binder = binder;
        this.health = new HealthPresenter(json);
        this.stats = new StatsPresenter(json);
    }

    /** Routes served before (and without) sign-in. */
    public Routes publicRoutes() {
        return new Routes()
                .get("/api/health", call -> health.health(operations.health().check()))
                .get("/api/stats", call -> ApiResponse.ok(stats.stats(operations.statistics().last24Hours())));
    }

    /** Adds the signed-in operations routes. */
    public Routes addTo(Routes routes) {
        return routes.get("/api/admin/runs", call -> {
            AdminRuns.requireAdmin(call.caller(), call.request().method(), call.request().path());
            AdminRunFilter filter = AdminRunFilter.from(call.request()::query);
            RunSearch.Page page = operations.adminRuns().list(call.caller(), call.request().method(),
                    call.request().path(), filter, binder.pageLimit(call.request()), call.request().query("cursor"));
            ObjectNode body = runs.list(page.items(), datasetKinds.get());
            body.put("nextCursor", page.nextCursor().orElse(null));
            return ApiResponse.ok(body);
        });
    }

    /** Whether the path is an admin path the user may not know of. */
    public static boolean hidden(String path, SignedInUser user) {
        boolean adminPath = path.equals(ADMIN_PREFIX) || path.startsWith(ADMIN_PREFIX + "/");
        return adminPath && (user == null || !user.admin());
    }
}
