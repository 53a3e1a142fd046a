package dev.sluice.application.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.domain.transform.FieldTransform;
import dev.sluice.domain.transform.Transforms;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An upload's transformations travel in its mapping under {@link Transforms#REQUESTED_KEY}, checked when built. */
class UploadRequestTransformsTest {
    private static UploadRequest with(Transforms transforms) {
        return new UploadRequest("o", null, "a.csv", 1, null, Map.of("spend", "Cost",
                Transforms.REQUESTED_KEY, transforms.encode()));
    }

    @Test
    void checkedTransformationsAreKeptWithTheMapping() {
        Transforms transforms = new Transforms(Map.of("spend", FieldTransform.pipeline("Cost",
                List.of("trim", "parse_number('de-DE')"))), Map.of());
        UploadRequest request = with(transforms);
        assertEquals("Cost", request.mapping().get("spend"));
        assertEquals(transforms, Transforms.decode(request.mapping().get(Transforms.REQUESTED_KEY)));
        assertEquals(Map.of("spend", "Cost"), with(Transforms.NONE).mapping(), "no transformations, no key");
    }

    @Test
    void aBrokenExpressionIsInvalidExpressionWithItsPosition() {
        InvalidRequestException broken = assertThrows(InvalidRequestException.class, () -> with(new Transforms(
                Map.of("conversions", FieldTransform.calculated("clicks >")), Map.of())));
        assertEquals("INVALID_EXPRESSION", broken.code());
        assertEquals(400, broken.httpStatus());
        assertEquals("The mapping's expression \"clicks >\": expected a value, a column or a function but found the "
                + "end of the expression (at character 9)", broken.getMessage());
        InvalidRequestException garbage = assertThrows(InvalidRequestException.class,
                () -> new UploadRequest("o", null, "a.csv", 1, null, Map.of(Transforms.REQUESTED_KEY, "7:nonsense")));
        assertTrue(garbage.getMessage().contains("cannot be read"), garbage::getMessage);
    }
}
