package dev.sluice.adapter.out.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSecretStoreTest {
    @TempDir
    Path temp;

    @Test
    void aStoredSecretReadsBackAndIsNotInTheFileInTheClear() throws Exception {
        LocalSecretStore store = new LocalSecretStore(temp.resolve("data/secrets"), temp.resolve("keys/secret.key"));
        String reference = store.put("destination/d1", "{\"password\":\"hunter2-very-secret\"}");

        assertEquals(Optional.of("{\"password\":\"hunter2-very-secret\"}"), store.get(reference));
        try (Stream<Path> files = Files.list(temp.resolve("data/secrets"))) {
            for (Path file : files.toList()) {
                String content = Files.readString(file, StandardCharsets.ISO_8859_1);
                assertFalse(content.contains("hunter2"), file.toString());
                assertFalse(file.getFileName().toString().contains("destination"), file.toString());
            }
        }
    }

    @Test
    void aNewStoreWithTheSameKeyFileReadsItButAnotherKeyDoesNot() {
        Path keyFile = temp.resolve("keys/secret.key");
        new LocalSecretStore(temp.resolve("secrets"), keyFile).put("a", "one");

        assertEquals(Optional.of("one"), new LocalSecretStore(temp.resolve("secrets"), keyFile).get("a"));
        LocalSecretStore otherKey = new LocalSecretStore(temp.resolve("secrets"), temp.resolve("other.key"));
        assertThrows(IllegalStateException.class, () -> otherKey.get("a"));
    }

    @Test
    void replaceAndDelete() {
        LocalSecretStore store = new LocalSecretStore(temp.resolve("secrets"), temp.resolve("k"));
        store.put("s", "old");
        store.put("s", "new");
        assertEquals(Optional.of("new"), store.get("s"));
        store.delete("s");
        assertTrue(store.get("s").isEmpty());
        store.delete("s");
        assertTrue(store.get("never").isEmpty());
    }
}
