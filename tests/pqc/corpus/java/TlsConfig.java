package com.example.qkd.net;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

public class TlsConfig {
    // SSLContext.getInstance("SSLv3") must never come back
    public SSLContext context() throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");  // expect: protocol:TLSv1.3
        context.init(null, null, null);
        return context;
    }

    public void harden(SSLSocket socket) {
        socket.setEnabledProtocols(new String[] {"TLSv1.2", "TLSv1.3"});  // expect: protocol:TLSv1.2, protocol:TLSv1.3
    }

    public SSLContext legacy() throws Exception {
        return SSLContext.getInstance("TLSv1");  // expect: protocol:TLSv1.0
    }
}
