package org.affectgate.device.kiosk.camera;

/** The parts of a parsed kiosk camera topic. */
public record CameraTopic(String site, String kioskId) {}
