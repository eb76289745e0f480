/**
 * TLS material from PEM files, checked the way an operator needs it: every problem (missing,
 * unreadable, not PEM, expired, key not matching, secret readable by others) is one {@link
 * org.affectgate.common.tls.TlsFileException} line naming the configuration key and the file.
 */
package org.affectgate.common.tls;
