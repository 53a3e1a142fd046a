package dev.sluice.adapter.out.http;

import dev.sluice.application.port.WebFetcher.FetchException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Decides whether a URL may be fetched: http or https only, and every address its host resolves to must be a
 * public unicast address. Refused: loopback (unless {@code allowLoopback}, the local runtime's setting), private
 * (RFC 1918), unique-local (fc00::/7), link-local (169.254/16, fe80::/10, so the instance metadata service
 * 169.254.169.254 and fd00:ec2::254 too), CGNAT (100.64/10), multicast, unspecified (0.0.0.0, ::), 0/8, reserved
 * 240/4, benchmarking 198.18/15, and IPv6 forms that embed an IPv4 address (mapped, compatible, 6to4, NAT64) whose
 * IPv4 address is refused. The caller connects to the address this returns, so DNS cannot answer differently between
 * the check and the connection (rebinding).
 */
public final class SsrfGuard {
    private final Resolver resolver;
    private final boolean allowLoopback;

    /** Name resolution, replaceable in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;

        Resolver SYSTEM = InetAddress::getAllByName;
    }

    public SsrfGuard(Resolver resolver, boolean allowLoopback) {
        this.resolver = resolver;
        this.allowLoopback = allowLoopback;
    }

    /** The address to connect to for {@code uri}, or {@link FetchException} ({@code URL_REFUSED}) saying why not. */
    public InetAddress check(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw refused(uri, "only http and https URLs can be pulled");
        }
        if (uri.getRawUserInfo() != null) {
            throw refused(uri, "a URL must not carry a user name or password; give credentials as headers");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw refused(uri, "the URL names no host");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw new FetchException("UNREACHABLE", "host '" + host + "' could not be resolved");
        }
        if (addresses == null || addresses.length == 0) {
            throw new FetchException("UNREACHABLE", "host '" + host + "' could not be resolved");
        }
        // Every address must pass: a name answering one public and one private address is refused outright.
        for (InetAddress address : addresses) {
            if (!allowed(address, allowLoopback)) {
                throw refused(uri, "host '" + host + "' resolves to " + address.getHostAddress()
                        + ", a private, loopback, link-local or otherwise internal address");
            }
        }
        return addresses[0];
    }

    private static FetchException refused(URI uri, String why) {
        return new FetchException("URL_REFUSED", "URL " + safe(uri) + " is refused: " + why);
    }

    /** The URL without its query (which may carry an API key). */
    static String safe(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** Whether a connection to this address is allowed. */
    public static boolean allowed(InetAddress address, boolean allowLoopback) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            byte[] embedded = embeddedIpv4(b);
            if (embedded != null) {
                return allowedV4(embedded, allowLoopback);
            }
            if (address.isLoopbackAddress()) {
                return allowLoopback;
            }
            int first = b[0] & 0xff;
            return !address.isAnyLocalAddress() && !address.isLinkLocalAddress() && !address.isSiteLocalAddress()
                    && !address.isMulticastAddress() && (first & 0xfe) != 0xfc // fc00::/7 unique local
                    && !(first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8)
                    && first != 0; // ::/8 reserved (incl. ::, ::1 handled above)
        }
        if (address instanceof Inet4Address) {
            return allowedV4(address.getAddress(), allowLoopback);
        }
        return false;
    }

    /** The IPv4 address inside an IPv4-mapped, -compatible, 6to4 or NAT64 IPv6 address, else null. */
    private static byte[] embeddedIpv4(byte[] b) {
        boolean firstTenZero = Arrays.equals(Arrays.copyOfRange(b, 0, 10), new byte[10]);
        if (firstTenZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return Arrays.copyOfRange(b, 12, 16); // ::ffff:a.b.c.d
        }
        if (firstTenZero && b[10] == 0 && b[11] == 0 && !(allZero(b, 12, 15) && (b[15] & 0xff) <= 1)) {
            return Arrays.copyOfRange(b, 12, 16); // ::a.b.c.d (deprecated compatible form)
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return Arrays.copyOfRange(b, 2, 6); // 2002:aabb:ccdd::/48 6to4
        }
        if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && allZero(b, 4, 12)) {
            return Arrays.copyOfRange(b, 12, 16); // 64:ff9b::/96 NAT64
        }
        return null;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean allowedV4(byte[] b, boolean allowLoopback) {
        int a = b[0] & 0xff;
        int c = b[1] & 0xff;
        if (a == 127) {
            return allowLoopback;
        }
        return !(a == 0 // 0/8 "this network", incl. 0.0.0.0
                || a == 10 // RFC 1918
                || a == 100 && (c & 0xc0) == 64 // 100.64/10 CGNAT
                || a == 169 && c == 254 // link-local, incl. the metadata service
                || a == 172 && (c & 0xf0) == 16 // RFC 1918
                || a == 192 && c == 168 // RFC 1918
                || a == 192 && c == 0 && (b[2] & 0xff) == 0 // 192.0.0/24 IETF protocol assignments
                || a == 198 && (c & 0xfe) == 18 // 198.18/15 benchmarking
                || a >= 224); // multicast 224/4, reserved 240/4, broadcast
    }
}
