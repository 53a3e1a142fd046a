package dev.sluice.domain.validation;

import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.Charset;

/** The loader's decoding of a chunk's bytes, for tests of other packages that tokenize what the loader reads. */
public final class LoaderDecoding {
    private LoaderDecoding() {
    }

    public static Reader of(InputStream bytes, Charset charset) {
        return new DecodingReader(bytes, charset);
    }
}
