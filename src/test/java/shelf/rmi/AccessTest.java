package shelf.rmi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import shelf.fencing.FencingToken;
import shelf.protocol.Batch;
import shelf.protocol.Message;
import shelf.tls.CertificateAuthority;
import shelf.tls.Identity;
import shelf.tls.KeyMaterial;
import shelf.tls.Role;
import shelf.util.RateLimitedLog;

/** Who may call what, as the services ask {@link Access}; and how refusals are counted and logged. */
class AccessTest {
    private static final CertificateAuthority CA = CertificateAuthority.create(Duration.ofDays(100));
    private final Logger log = mock(Logger.class);
    private long nanos;
    private final Access access = new Access("node 1", keys(), Clock.fixed(Instant.now(), ZoneOffset.UTC),
            new RateLimitedLog(log, RateLimitedLog.WINDOW_NANOS, () -> nanos));

    private static KeyMaterial keys() {
        try {
            return KeyMaterial.of(CA.issue(Identity.node(1), List.of("127.0.0.1"), Duration.ofDays(20)),
                    List.of(CA.certificate()), "node-1.crt");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void callAs(Identity who) {
        Caller.set(new Caller(who, "10.0.0.9"));
    }

    @AfterEach
    void forget() {
        Caller.set(null);
    }

    @Test
    void eachServiceTakesItsRoles() {
        callAs(Identity.of(Role.CLIENT, "client"));
        assertDoesNotThrow(() -> access.require("LibraryService.execute", Role.CLIENT, Role.ADMIN));
        SecurityException e = assertThrows(SecurityException.class, () -> access.require("AdminService.crash", Role.ADMIN));
        assertEquals("node 1 refused AdminService.crash: AdminService.crash takes admin certificates", e.getMessage());
        assertThrows(SecurityException.class, () -> access.fromPeer(new Message.Heartbeat(1, 1)));

        callAs(Identity.of(Role.ADMIN, "ops"));
        assertDoesNotThrow(() -> access.require("AdminService.crash", Role.ADMIN));
        Caller.set(null);
        assertThrows(SecurityException.class, () -> access.require("LibraryService.list", Role.CLIENT, Role.ADMIN),
                "no certificate, no call");
        assertEquals(3L, access.counters().get("rejected.identity"));
    }

    @Test
    void aNodeMaySpeakOnlyForItself() {
        callAs(Identity.node(3));
        assertDoesNotThrow(() -> access.fromPeer(new Message.Coordinator(3, 7)));
        SecurityException e = assertThrows(SecurityException.class,
                () -> access.fromPeer(new Message.Coordinator(5, Long.MAX_VALUE)));
        assertEquals("node 1 refused NodeService: a COORDINATOR claiming to be from node 5 came with node 3's certificate",
                e.getMessage());
        Batch batch = Batch.of(new Message.Heartbeat(3, 7), new Message.LockGrant(5, 7, 1, new FencingToken(7, 1), 1000, 2_000));
        assertThrows(SecurityException.class, () -> access.fromPeer(batch), "one impostor refuses the whole batch");
    }

    @Test
    void withTlsOffANullMessageIsRefusedInOneLineNotPassedOn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Access.off("node 1").fromPeer((Message.Heartbeat) null));
        assertEquals("node 1 refused a null message", e.getMessage());
    }

    @Test
    void withTlsOffEverythingIsAllowedAndStatusSaysSo() {
        Access off = Access.off("node 1");
        assertDoesNotThrow(() -> off.require("AdminService.crash", Role.ADMIN));
        assertDoesNotThrow(() -> off.fromPeer(new Message.Coordinator(5, Long.MAX_VALUE)));
        assertEquals(0L, off.counters().get("tls.enabled"));
    }

    @Test
    void refusalsAreLoggedOncePerAddressAndMinuteWithTheCountOfTheRestAndStatusWarnsOfExpiry() {
        callAs(Identity.of(Role.CLIENT, "client"));
        for (int i = 0; i < 5; i++) {
            assertThrows(SecurityException.class, () -> access.require("AdminService.crash", Role.ADMIN));
        }
        verify(log, times(1)).warn(anyString(), anyString());
        nanos += RateLimitedLog.WINDOW_NANOS;
        assertThrows(SecurityException.class, () -> access.require("AdminService.crash", Role.ADMIN));
        verify(log).warn("{}", "node 1: refused AdminService.crash from client 'client' at 10.0.0.9: AdminService.crash takes"
                + " admin certificates (4 more like it were not logged in the minute before)");
        assertEquals(6L, access.counters().get("rejected.identity"));
        assertEquals(1L, access.counters().get("tls.enabled"));
        assertEquals(1L, access.counters().get("tls.certificate.expiring"), "20 days left");
        assertEquals(19L, access.counters().get("tls.certificate.days-left"));
    }
}
