package shelf.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dashboard's door: the token (URL or cookie), the Host header (DNS rebinding), the Origin (cross-site requests). */
class AccessGuardTest {
    private static final String TOKEN = "s3cret-token";
    private final AccessGuard guard = new AccessGuard(TOKEN, Set.of("127.0.0.1"), 8080);

    private AccessGuard.Verdict check(String method, String uri, boolean control, String... headers) {
        Map<String, String> h = new HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        return guard.check(method, URI.create(uri), h::get, control);
    }

    @Test
    void theTokenInTheUrlOpensThePageAndSetsTheCookie() {
        AccessGuard.Verdict v = check("GET", "/?token=" + TOKEN, false, "Host", "127.0.0.1:8080");
        assertTrue(v.allowed());
        assertTrue(v.setCookie());
        assertEquals("shelf-dashboard-8080=" + TOKEN + "; Path=/; HttpOnly; SameSite=Strict", guard.cookieHeader());
    }

    @Test
    void theCookieOpensThePageWithoutTheToken() {
        AccessGuard.Verdict v = check("GET", "/app.js", false, "Host", "localhost:8080",
                "Cookie", "other=1; shelf-dashboard-8080=" + TOKEN);
        assertTrue(v.allowed());
        assertFalse(v.setCookie());
    }

    @Test
    void withoutTheTokenEverythingIsRefused() {
        for (String uri : new String[] {"/", "/?token=wrong", "/?token=", "/events", "/api/crash"}) {
            AccessGuard.Verdict v = check("GET", uri, false, "Host", "127.0.0.1:8080");
            assertFalse(v.allowed(), uri);
            assertEquals(403, v.status(), uri);
        }
        assertFalse(check("GET", "/", false, "Host", "127.0.0.1:8080", "Cookie", "shelf-dashboard-8080=wrong").allowed());
        assertFalse(check("GET", "/", false, "Host", "127.0.0.1:8080", "Cookie", "shelf-dashboard-9090=" + TOKEN).allowed(),
                "another port's cookie is another dashboard's");
        assertFalse(check("POST", "/api/crash", true, "Host", "127.0.0.1:8080", "Origin", "http://127.0.0.1:8080")
                .allowed(), "a control from the right origin still needs the token");
    }

    @Test
    void aHostHeaderThatNamesAnotherServerIsRefusedEvenWithTheToken() {
        for (String host : new String[] {"evil.example:8080", "127.0.0.1:8081", "127.0.0.1", "attacker.test"}) {
            AccessGuard.Verdict v = check("GET", "/?token=" + TOKEN, false, "Host", host);
            assertFalse(v.allowed(), host);
            assertTrue(v.reason().contains("Host"), v.reason());
        }
        assertFalse(check("GET", "/?token=" + TOKEN, false).allowed(), "no Host header at all");
        assertTrue(check("GET", "/?token=" + TOKEN, false, "Host", "[::1]:8080").allowed());
        assertTrue(check("GET", "/?token=" + TOKEN, false, "Host", "LOCALHOST:8080").allowed());
    }

    @Test
    void aControlMustComeFromTheDashboardsOwnOrigin() {
        String cookie = "shelf-dashboard-8080=" + TOKEN;
        assertTrue(check("POST", "/api/crash", true, "Host", "127.0.0.1:8080", "Cookie", cookie,
                "Origin", "http://127.0.0.1:8080").allowed());
        assertFalse(check("POST", "/api/crash", true, "Host", "127.0.0.1:8080", "Cookie", cookie,
                "Origin", "http://evil.example").allowed());
        assertFalse(check("POST", "/api/crash", true, "Host", "127.0.0.1:8080", "Cookie", cookie,
                "Origin", "http://localhost:8080").allowed(), "the origin must be the host the page was opened as");
        assertFalse(check("POST", "/api/crash", true, "Host", "127.0.0.1:8080", "Cookie", cookie).allowed(),
                "a POST without Origin is not from a page of ours");
        assertFalse(check("POST", "/api/crash", true, "Host", "127.0.0.1:8080", "Cookie", cookie,
                "Origin", "http://127.0.0.1:8080", "Sec-Fetch-Site", "cross-site").allowed());
    }

    @Test
    void theEventStreamIsRefusedToOtherOriginsButOpenToItsOwnPage() {
        String cookie = "shelf-dashboard-8080=" + TOKEN;
        assertTrue(check("GET", "/events", true, "Host", "127.0.0.1:8080", "Cookie", cookie).allowed(),
                "a same-origin EventSource sends no Origin");
        assertFalse(check("GET", "/events", true, "Host", "127.0.0.1:8080", "Cookie", cookie,
                "Origin", "http://evil.example").allowed());
    }

    @Test
    void tokensAreLongRandomAndUrlSafe() {
        String a = AccessGuard.newToken();
        assertTrue(a.matches("[A-Za-z0-9_-]{32}"), a);
        assertNotEquals(a, AccessGuard.newToken());
    }
}
