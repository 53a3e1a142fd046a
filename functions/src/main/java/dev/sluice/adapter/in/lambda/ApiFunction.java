package dev.sluice.adapter.in.lambda;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.in.lambda.api.AdminRoutes;
import dev.sluice.adapter.in.lambda.api.AnalyticsRoutes;
import dev.sluice.adapter.in.lambda.api.ApiCall;
import dev.sluice.adapter.in.lambda.api.ApiErrors;
import dev.sluice.adapter.in.lambda.api.ApiRequest;
import dev.sluice.adapter.in.lambda.api.ApiResponse;
import dev.sluice.adapter.in.lambda.api.Cursors;
import dev.sluice.adapter.in.lambda.api.MappingSuggestionPresenter;
import dev.sluice.adapter.in.lambda.api.DatasetBinder;
import dev.sluice.adapter.in.lambda.api.DatasetPresenter;
import dev.sluice.adapter.in.lambda.api.DestinationRoutes;
import dev.sluice.adapter.in.lambda.api.ExportPresenter;
import dev.sluice.adapter.in.lambda.api.MappingPreviewPresenter;
import dev.sluice.adapter.in.lambda.api.RecordPresenter;
import dev.sluice.adapter.in.lambda.api.RerunBinder;
import dev.sluice.adapter.in.lambda.api.RequestBinder;
import dev.sluice.adapter.in.lambda.api.PublishRoutes;
import dev.sluice.adapter.in.lambda.api.Routes;
import dev.sluice.adapter.in.lambda.api.SourceRoutes;
import dev.sluice.adapter.in.lambda.api.RowErrorPresenter;
import dev.sluice.adapter.in.lambda.api.RunPresenter;
import dev.sluice.adapter.in.lambda.api.UploadPresenter;
import dev.sluice.adapter.in.lambda.api.UserPresenter;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.dataset.DeleteDataset;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.identity.HttpCallers;
import dev.sluice.application.identity.SignedInUser;
import dev.sluice.application.mapping.PreviewMapping;
import dev.sluice.application.mapping.SuggestMapping;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.reconcile.RecoverRuns;
import dev.sluice.application.upload.CreateUpload;
import dev.sluice.application.upload.FinishUpload;
import dev.sluice.config.ApiWiring;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.config.Components;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP API (payload format 2.0), every route under /api: finds the route, resolves the caller from the verified
 * token's claims, and hands the call to one use case. Errors are {@code {"error":{"code","message"}}} with the
 * matching status; an internal fault is logged with the request id and answered with that id only.
 */
public final class ApiFunction implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(ApiFunction.class);

    private final CreateUpload createUpload;
    private final FinishUpload finishUpload;
    private final RunQueries runs;
    private final ManageDatasets datasets;
    private final DeleteDataset deleteDataset;
    private final RecoverRuns recoverRuns;
    private final HttpCallers callers;
    private final ObjectMapper json;
    private final RequestBinder binder;
    private final RunPresenter runPresenter;
    private final ApiErrors errors;
    private final Routes routes;
    /** Routes that answer without sign-in (health and statistics); empty without the operations component. */
    private final Routes publicRoutes;
    /** Held so the SnapStart hook (weakly referenced by CRaC) lives as long as the handler. */
    private final SnapStartPriming priming;

    public ApiFunction() {
        this(ApiWiring.fromEnvironment());
    }

    /** The local runtime builds every handler from its shared Components. */
    public ApiFunction(Components components) {
        this(ApiWiring.from(components));
    }

    public ApiFunction(ApiWiring wiring) {
        this.createUpload = wiring.createUpload();
        this.finishUpload = wiring.finishUpload();
        this.runs = wiring.runQueries();
        this.datasets = wiring.datasets();
        this.deleteDataset = wiring.deleteDataset();
        this.recoverRuns = wiring.recoverRuns();
        this.callers = wiring.callers();
        this.json = wiring.json();
        this.binder = new RequestBinder(json);
        this.runPresenter = new RunPresenter(json, wiring.clock(), wiring.chunkVisibilityTimeout());
        this.errors = new ApiErrors(json);
        this.priming = SnapStartPriming.register(wiring.warmUp());
        RecordPresenter records = new RecordPresenter(json);
        RowErrorPresenter rowErrors = new RowErrorPresenter(json);
        UploadPresenter uploads = new UploadPresenter(json);
        UserPresenter users = new UserPresenter(json);
        MappingSuggestionPresenter suggestions = new MappingSuggestionPresenter(json, binder);
        SuggestMapping suggestMapping = wiring.suggestMapping();
        DatasetBinder datasetBinder = new DatasetBinder(binder);
        DatasetPresenter datasetPresenter = new DatasetPresenter(json, datasets.globalLimits(), runPresenter);
        ExportPresenter exports = new ExportPresenter(json);
        RerunBinder rerunBinder = new RerunBinder(binder);
        MappingPreviewPresenter previews = new MappingPreviewPresenter(json, binder);
        PreviewMapping previewMapping = wiring.previewMapping() != null ? wiring.previewMapping()
                : new PreviewMapping(null);
        this.routes = new Routes()
                .get("/api/me", call -> ApiResponse.ok(users.me(call.user())))
                .post("/api/mappings/suggest", call -> ApiResponse.ok(suggestions.suggestion(
                        suggestMapping.suggest(call.caller(), suggestions.request(call.request())))))
                .post("/api/mappings/preview", call -> ApiResponse.ok(previews.preview(
                        previewMapping.preview(call.caller(), previews.request(call.request())))))
                .post("/api/uploads", call -> ApiResponse.created(uploads.created(
                        createUpload.create(binder.upload(call.request(), call.caller())))))
                .post("/api/uploads/{id}/complete", call -> ApiResponse.ok(uploads.finished(finishUpload.complete(
                        call.path("id"), call.caller().owner(), call.caller().admin(),
                        binder.claimedParts(call.request())))))
                .post("/api/uploads/{id}/abort", call -> ApiResponse.ok(uploads.finished(finishUpload.abort(
                        call.path("id"), call.caller().owner(), call.caller().admin()))))
                .get("/api/runs", call -> ApiResponse.ok(runPresenter.list(
                        runs.list(call.caller(), call.request().query("scope"), binder.pageLimit(call.request())),
                        datasetKinds())))
                .get("/api/runs/{id}", call -> ApiResponse.ok(runPresenter.run(
                        runs.run(call.caller(), call.path("id")), datasetKinds())))
                .get("/api/runs/{id}/records", call -> ApiResponse.ok(records.page(runs.records(call.caller(),
                        call.path("id"), () -> Cursors.recordsAfter(call.request().query("cursor")),
                        () -> binder.pageLimit(call.request())))))
                .get("/api/runs/{id}/errors", call -> ApiResponse.ok(rowErrors.page(runs.errors(call.caller(),
                        call.path("id"), () -> Cursors.errorsAfter(call.request().query("cursor")),
                        () -> binder.pageLimit(call.request())))))
                .post("/api/runs/{id}/resume", call -> ApiResponse.ok(runPresenter.recovery(
                        recoverRuns.resume(call.caller(), call.path("id")))))
                .post("/api/runs/{id}/redrive", call -> ApiResponse.ok(runPresenter.recovery(
                        recoverRuns.redrive(call.caller(), call.path("id")))))
                .post("/api/runs/{id}/cancel", call -> ApiResponse.ok(runPresenter.run(
                        recoverRuns.cancel(call.caller(), call.path("id")))))
                .get("/api/runs/{id}/errors.csv", call -> exports.download(
                        wiring.exports().errors(call.caller(), call.path("id"))))
                .get("/api/runs/{id}/records.csv", call -> exports.download(
                        wiring.exports().records(call.caller(), call.path("id"))))
                .post("/api/runs/{id}/rerun", call -> ApiResponse.created(runPresenter.run(wiring.rerun().rerun(
                        call.caller(), call.path("id"), () -> rerunBinder.request(call.request())))))
                .post("/api/datasets", call -> ApiResponse.created(datasetPresenter.dataset(datasets.create(
                        call.caller(), datasetBinder.newDataset(call.request())))))
                .get("/api/datasets", call -> ApiResponse.ok(datasetPresenter.list(datasets.list(call.caller()))))
                .get("/api/datasets/{id}", call -> ApiResponse.ok(datasetPresenter.dataset(datasets.visible(
                        call.caller(), call.path("id")))))
                .patch("/api/datasets/{id}", call -> ApiResponse.ok(datasetPresenter.dataset(datasets.update(
                        call.caller(), call.path("id"), datasetBinder.changes(call.request())))))
                .delete("/api/datasets/{id}", call -> {
                    deleteDataset.delete(call.caller(), call.path("id"));
                    return ApiResponse.noContent();
                })
                .get("/api/datasets/{id}/runs", call -> ApiResponse.ok(datasetPresenter.runs(datasets.runs(
                        call.caller(), call.path("id"), binder.pageLimit(call.request()),
                        call.request().query("cursor")), datasetKinds())));
        if (wiring.operations() != null) {
            AdminRoutes operations = new AdminRoutes(json, wiring.operations(), runPresenter, this::datasetKinds,
                    binder);
            operations.addTo(routes);
            this.publicRoutes = operations.publicRoutes();
        } else {
            this.publicRoutes = new Routes();
        }
        // Destinations and deliveries (issue 16).
        new DestinationRoutes(wiring.destinations(), runs, binder, json).register(routes);
        new AnalyticsRoutes(json, binder, wiring.analytics()).register(routes);
        if (wiring.sources() != null) {
            new SourceRoutes(wiring.sources(), binder, json).register(routes);
        }
        PublishRoutes.register(routes, wiring.publications(), runPresenter, json);
    }

    /** A fresh lookup per request, so each dataset a response names is read once and never stale. */
    private java.util.function.Function<String, String> datasetKinds() {
        return datasets.kinds().andThen(DatasetKind::wireName);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Telemetry.invocation(context, () -> respond(handle(ApiRequest.from(event))));
    }

    private ApiResponse handle(ApiRequest request) {
        try {
            if (publicRoutes.match(request.method(), request.path()) instanceof Routes.Found open) {
                return open.endpoint().handle(new ApiCall(request, open.pathParameters(), null));
            }
            SignedInUser user = callers.resolve(request.claims());
            if (AdminRoutes.hidden(request.path(), user)) {
                return errors.noRoute(request.method(), request.path());
            }
            return switch (routes.match(request.method(), request.path())) {
                case Routes.Found found -> found.endpoint().handle(
                        new ApiCall(request, found.pathParameters(), user));
                case Routes.WrongMethod wrong -> errors.wrongMethod(request.method(), request.path(), wrong.allowed());
                case Routes.NoRoute none -> errors.noRoute(request.method(), request.path());
            };
        } catch (InvalidRequestException e) {
            return errors.error(e.httpStatus(), e.code(), e.getMessage(), e.details());
        } catch (RuntimeException e) {
            // The request id joins the answer to this line; without one (never from API Gateway) one is made up.
            String requestId = request.requestId() == null ? UUID.randomUUID().toString() : request.requestId();
            LOG.error("{} {} failed: {}", request.method(), request.path(), entry("requestId", requestId), e);
            return errors.internal(requestId);
        }
    }

    private APIGatewayV2HTTPResponse respond(ApiResponse response) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Cache-Control", "no-store");
        headers.putAll(response.headers());
        if (response.body() == null && response.text() == null) {
            headers.remove("Content-Type");
            return APIGatewayV2HTTPResponse.builder().withStatusCode(response.status()).withHeaders(headers).build();
        }
        try {
            String body = response.text() != null ? response.text() : json.writeValueAsString(response.body());
            return APIGatewayV2HTTPResponse.builder().withStatusCode(response.status()).withHeaders(headers)
                    .withBody(body).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response body could not be written as JSON", e);
        }
    }
}
