package dev.verimail.web.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who is calling, for the abuse limits: the socket's address, or, only when the socket is a configured trusted proxy
 * ({@code VERIMAIL_TRUSTED_PROXIES}, comma-separated addresses or CIDR blocks), the right-most address of
 * {@code X-Forwarded-For} that is not itself a trusted proxy. A client that sends its own {@code X-Forwarded-For}
 * straight to the service, or through a proxy that appends to it, cannot choose the address it is counted under.
 */
public final class ClientAddresses {

    private final List<Block> trusted;

    private ClientAddresses(List<Block> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    public static ClientAddresses trusting(String configured) {
        List<Block> blocks = new ArrayList<>();
        if (configured != null) {
            for (String entry : configured.split(",")) {
                if (!entry.isBlank()) {
                    blocks.add(Block.parse(entry.strip()));
                }
            }
        }
        return new ClientAddresses(blocks);
    }

    public String of(HttpServletRequest request) {
        String remote = request.getRemoteAddr();
        if (trusted.isEmpty() || !isTrusted(remote)) {
            return remote;
        }
        List<String> hops = new ArrayList<>();
        var headers = request.getHeaders("X-Forwarded-For");
        while (headers != null && headers.hasMoreElements()) {
            for (String hop : headers.nextElement().split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.strip());
                }
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (!isLiteral(hop)) {
                // a proxy we trust wrote something that is not an address: count the proxy's own
                return remote;
            }
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return remote;
    }

    private boolean isTrusted(String address) {
        byte[] bytes = literal(address);
        if (bytes == null) {
            return false;
        }
        for (Block block : trusted) {
            if (block.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLiteral(String address) {
        return literal(address) != null;
    }

    /** The bytes of an IPv4 or IPv6 literal; null for anything else (never a DNS lookup). */
    static byte[] literal(String address) {
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        if (a.isEmpty() || !(a.indexOf(':') >= 0 || a.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            return null;
        }
        if (a.indexOf(':') >= 0 && !a.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            return null;
        }
        try {
            return InetAddress.getByName(a).getAddress();
        }
        catch (UnknownHostException e) {
            return null;
        }
    }

    private record Block(byte[] network, int prefix) {

        static Block parse(String entry) {
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            byte[] bytes = literal(address);
            if (bytes == null) {
                throw new IllegalStateException("VERIMAIL_TRUSTED_PROXIES: '" + entry
                        + "' is not an IP address or CIDR block");
            }
            int prefix = bytes.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                }
                catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalStateException("VERIMAIL_TRUSTED_PROXIES: '" + entry + "' has a bad prefix length");
                }
            }
            return new Block(bytes, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
