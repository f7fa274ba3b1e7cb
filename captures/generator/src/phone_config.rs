//! The XML files the phone downloads from a cluster's TFTP service: its device
//! configuration (`SEP<MAC>.cnf.xml`, served signed as `.sgn`) and a softkey template.
//!
//! Content is plausible CUCM 11.5 output for this lab, not a copy of a real file.

use crate::topology::{Cluster, PhoneId, EMAPP_PORT, SIP_PORT, TFTP_HTTP_PORT, TVS_PORT};
use crate::xml::{element, escape};

/// Which configuration of the phone a cluster hands out.
#[derive(Clone, Copy)]
pub enum ConfigKind<'a> {
    /// The visiting cluster's own configuration of the phone (line 1000).
    Visiting,
    /// The visiting cluster's configuration after an EMCC login: it points the phone at
    /// its home cluster's TFTP (the element names of that block are not public).
    VisitingEmcc { home: &'a Cluster },
    /// The home cluster's configuration carrying the user's device profile.
    HomeProfile,
}

pub struct ConfigSpec<'a> {
    pub phone: &'a PhoneId,
    /// The cluster whose TFTP serves the file and whose CallManager the phone registers with.
    pub cluster: &'a Cluster,
    /// The visiting cluster: phone services and TVS stay there during an EMCC login.
    pub visiting: &'a Cluster,
    pub kind: ConfigKind<'a>,
    pub version_stamp: &'a str,
}

fn call_manager_group(c: &Cluster) -> String {
    format!(
        "<callManagerGroup>\n<name>Default</name>\n<tftpDefault>true</tftpDefault>\n<members>\n\
         <member priority=\"0\">\n<callManager>\n{}\n{}\n<ports>\n<ethernetPhonePort>2000</ethernetPhonePort>\n\
         <sipPort>{SIP_PORT}</sipPort>\n<securedSipPort>5061</securedSipPort>\n<mgcpPorts>\n<listen>2427</listen>\n\
         <keepAlive>2428</keepAlive>\n</mgcpPorts>\n</ports>\n{}\n</callManager>\n</member>\n</members>\n</callManagerGroup>\n",
        element("name", &c.ip),
        element("description", &c.fqdn),
        element("processNodeName", &c.ip),
    )
}

fn device_pool(c: &Cluster) -> String {
    format!(
        "<devicePool uuid=\"{{1b1b9eb6-7803-11d3-bdf0-00108302ead1}}\">\n<revertPriority>0</revertPriority>\n\
         <name>Default</name>\n<dateTimeSetting uuid=\"{{9ec4850a-7748-11d3-bdf0-00108302ead1}}\">\n\
         <name>CMLocal</name>\n<dateTemplate>M/D/Y</dateTemplate>\n<timeZone>Eastern Standard/Daylight Time</timeZone>\n\
         <olsonTimeZone>America/New_York</olsonTimeZone>\n</dateTimeSetting>\n{}<srstInfo uuid=\"{{cd241e11-4a58-4d3d-9661-f06c912a18a3}}\">\n\
         <name>Disable</name>\n<srstOption>Disable</srstOption>\n<userModifiable>false</userModifiable>\n\
         <ipAddr1></ipAddr1>\n<port1>2000</port1>\n<sipIpAddr1></sipIpAddr1>\n<sipPort1>5060</sipPort1>\n</srstInfo>\n\
         <connectionMonitorDuration>120</connectionMonitorDuration>\n</devicePool>\n",
        call_manager_group(c)
    )
}

fn sip_line(dn: &str, label: &str, registrar: &Cluster) -> String {
    format!(
        "<line button=\"1\" lineIndex=\"1\">\n<featureID>9</featureID>\n{}\n<speedDialNumber></speedDialNumber>\n\
         <contact>{dn}</contact>\n<proxy>USECALLMANAGER</proxy>\n<port>{SIP_PORT}</port>\n{}\n{}\n\
         <autoAnswer>\n<autoAnswerEnabled>2</autoAnswerEnabled>\n</autoAnswer>\n<callWaiting>3</callWaiting>\n\
         <authName></authName>\n<authPassword></authPassword>\n<sharedLine>false</sharedLine>\n\
         <messageWaitingLampPolicy>3</messageWaitingLampPolicy>\n<messagesNumber></messagesNumber>\n\
         <ringSettingIdle>4</ringSettingIdle>\n<ringSettingActive>5</ringSettingActive>\n\
         <forwardCallInfoDisplay>\n<callerName>true</callerName>\n<callerNumber>false</callerNumber>\n\
         <redirectedNumber>false</redirectedNumber>\n<dialedNumber>true</dialedNumber>\n</forwardCallInfoDisplay>\n\
         <maxNumCalls>4</maxNumCalls>\n<busyTrigger>2</busyTrigger>\n<recordingOption>disable</recordingOption>\n\
         <registrar>{}</registrar>\n</line>\n",
        element("featureLabel", label),
        element("name", dn),
        element("displayName", label),
        escape(&registrar.ip),
    )
}

fn phone_services(visiting: &Cluster) -> String {
    let emcc_url = format!(
        "http://{}:{EMAPP_PORT}/emapp/EMAppServlet?device=#DEVICENAME#&EMCC=#EMCC#",
        visiting.ip
    );
    format!(
        "<phoneServices useHTTPS=\"false\">\n<provisioning>0</provisioning>\n\
         <phoneService type=\"1\" category=\"0\">\n<name>Missed Calls</name>\n<url>Application:Cisco/MissedCalls</url>\n\
         <vendor></vendor>\n<version></version>\n</phoneService>\n\
         <phoneService type=\"1\" category=\"0\">\n<name>Received Calls</name>\n<url>Application:Cisco/ReceivedCalls</url>\n\
         <vendor></vendor>\n<version></version>\n</phoneService>\n\
         <phoneService type=\"1\" category=\"0\">\n<name>Placed Calls</name>\n<url>Application:Cisco/PlacedCalls</url>\n\
         <vendor></vendor>\n<version></version>\n</phoneService>\n\
         <phoneService type=\"0\" category=\"0\">\n<name>EMCC_Service</name>\n{}\n\
         <vendor></vendor>\n<version></version>\n</phoneService>\n</phoneServices>\n",
        element("url", &emcc_url)
    )
}

fn vendor_config() -> &'static str {
    "<vendorConfig>\n<disableSpeaker>false</disableSpeaker>\n<disableSpeakerAndHeadset>false</disableSpeakerAndHeadset>\n\
     <pcPort>0</pcPort>\n<settingsAccess>1</settingsAccess>\n<garp>1</garp>\n<voiceVlanAccess>0</voiceVlanAccess>\n\
     <spanToPCPort>0</spanToPCPort>\n<loggingDisplay>1</loggingDisplay>\n<recordingTone>0</recordingTone>\n\
     <lldpAssetId></lldpAssetId>\n<powerPriority>0</powerPriority>\n<ipv6LogServer></ipv6LogServer>\n\
     <displayIdleTimeout>01:00</displayIdleTimeout>\n<displayOnWhenIncomingCall>1</displayOnWhenIncomingCall>\n\
     <webAccess>0</webAccess>\n<sshAccess>1</sshAccess>\n<detectCMConnectionFailure>0</detectCMConnectionFailure>\n\
     <g722CodecSupport>2</g722CodecSupport>\n<webProtocol>0</webProtocol>\n</vendorConfig>\n"
}

pub fn device_config(spec: &ConfigSpec) -> String {
    let phone = spec.phone;
    let c = spec.cluster;
    let v = spec.visiting;
    let dn: &str = &c.line_dn;
    let label = match spec.kind {
        ConfigKind::HomeProfile => format!("{dn} ({})", phone.user_id),
        _ => dn.to_string(),
    };
    let profile = match spec.kind {
        ConfigKind::Visiting => "<userId serviceProfileFile=\"SPDefault.cnf.xml\"></userId>\n".to_string(),
        ConfigKind::VisitingEmcc { home } => format!(
            "<userId serviceProfileFile=\"SPDefault.cnf.xml\"></userId>\n<emccInfo>\n<emccMode>true</emccMode>\n\
             <homeClusterId>{}</homeClusterId>\n<homeTftpServers>\n<tftpServer priority=\"1\">{}</tftpServer>\n\
             </homeTftpServers>\n<visitingEmServer>{}:{EMAPP_PORT}</visitingEmServer>\n</emccInfo>\n",
            escape(&home.cluster_id),
            escape(&home.ip),
            escape(&v.ip)
        ),
        ConfigKind::HomeProfile => format!(
            "<userId serviceProfileFile=\"SPDefault.cnf.xml\">{}</userId>\n\
             <deviceProfile>{}</deviceProfile>\n<emccMode>true</emccMode>\n",
            phone.user_id, phone.device_profile
        ),
    };
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<device ctiid=\"3\" uuid=\"{}\">\n",
        phone.config_uuid
    ));
    x.push_str("<fullConfig>true</fullConfig>\n<deviceProtocol>SIP</deviceProtocol>\n");
    x.push_str(
        "<sshUserId></sshUserId>\n<sshPassword></sshPassword>\n<ipAddressMode>0</ipAddressMode>\n",
    );
    x.push_str("<allowAutoConfig>true</allowAutoConfig>\n<dadEnable>true</dadEnable>\n");
    x.push_str(&device_pool(c));
    x.push_str(&format!(
        "<TVS>\n<members>\n<member priority=\"0\">\n<port>{TVS_PORT}</port>\n<address>{}</address>\n</member>\n</members>\n</TVS>\n",
        v.ip
    ));
    x.push_str("<MissedCallLoggingOption>10</MissedCallLoggingOption>\n");
    x.push_str(&format!(
        "<sipProfile>\n<sipProxies>\n<backupProxy></backupProxy>\n<backupProxyPort></backupProxyPort>\n\
         <emergencyProxy></emergencyProxy>\n<emergencyProxyPort></emergencyProxyPort>\n<outboundProxy></outboundProxy>\n\
         <outboundProxyPort></outboundProxyPort>\n<registerWithProxy>true</registerWithProxy>\n</sipProxies>\n\
         <sipCallFeatures>\n<cnfJoinEnabled>true</cnfJoinEnabled>\n<rfc2543Hold>false</rfc2543Hold>\n\
         <callHoldRingback>2</callHoldRingback>\n<localCfwdEnable>true</localCfwdEnable>\n\
         <semiAttendedTransfer>true</semiAttendedTransfer>\n<anonymousCallBlock>2</anonymousCallBlock>\n\
         <callerIdBlocking>2</callerIdBlocking>\n<dndControl>0</dndControl>\n<remoteCcEnable>true</remoteCcEnable>\n\
         <retainForwardInformation>false</retainForwardInformation>\n</sipCallFeatures>\n\
         <sipStack>\n<sipInviteRetx>6</sipInviteRetx>\n<sipRetx>10</sipRetx>\n<timerInviteExpires>180</timerInviteExpires>\n\
         <timerRegisterExpires>3600</timerRegisterExpires>\n<timerRegisterDelta>5</timerRegisterDelta>\n\
         <timerKeepAliveExpires>120</timerKeepAliveExpires>\n<timerSubscribeExpires>120</timerSubscribeExpires>\n\
         <timerSubscribeDelta>5</timerSubscribeDelta>\n<timerT1>500</timerT1>\n<timerT2>4000</timerT2>\n\
         <maxRedirects>70</maxRedirects>\n<remotePartyID>true</remotePartyID>\n<userInfo>None</userInfo>\n</sipStack>\n\
         <autoAnswerTimer>1</autoAnswerTimer>\n<autoAnswerAltBehavior>false</autoAnswerAltBehavior>\n\
         <transportLayerProtocol>2</transportLayerProtocol>\n{}\n<phoneLabel>{}</phoneLabel>\n\
         <stutterMsgWaiting>2</stutterMsgWaiting>\n<callStats>false</callStats>\n<silentPeriodBetweenCallWaitingBursts>10</silentPeriodBetweenCallWaitingBursts>\n\
         <disableLocalSpeedDialConfig>false</disableLocalSpeedDialConfig>\n<startMediaPort>16384</startMediaPort>\n\
         <stopMediaPort>32766</stopMediaPort>\n<sipLines>\n{}</sipLines>\n<voipControlPort>{SIP_PORT}</voipControlPort>\n\
         <dscpForAudio>184</dscpForAudio>\n<ringSettingBusyStationPolicy>0</ringSettingBusyStationPolicy>\n\
         <dialTemplate>dialplan.xml</dialTemplate>\n<softKeyFile>SKb0ec918f-b9ee-994b-57ae-345883c1fde8.xml</softKeyFile>\n\
         <dscpVideo>136</dscpVideo>\n</sipProfile>\n",
        element("natEnabled", "false"),
        escape(&label),
        sip_line(dn, &label, c),
    ));
    x.push_str(&profile);
    x.push_str(&format!(
        "<loadInformation>{}</loadInformation>\n",
        phone.model.load
    ));
    x.push_str(vendor_config());
    x.push_str(&format!(
        "<versionStamp>{}</versionStamp>\n",
        escape(spec.version_stamp)
    ));
    x.push_str("<userLocale>\n<name>English_United_States</name>\n<uid>1</uid>\n<langCode>en_US</langCode>\n<version>11.5.0.1(1)</version>\n<winCharSet>utf-8</winCharSet>\n</userLocale>\n");
    x.push_str("<networkLocale>United_States</networkLocale>\n<networkLocaleInfo>\n<name>United_States</name>\n<uid>64</uid>\n<version>11.5.0.1(1)</version>\n</networkLocaleInfo>\n");
    x.push_str("<deviceSecurityMode>1</deviceSecurityMode>\n<idleTimeout>0</idleTimeout>\n");
    let web = |path: &str| format!("http://{}:{EMAPP_PORT}{path}", v.ip);
    x.push_str(&element(
        "authenticationURL",
        &web("/ccmcip/authenticate.jsp"),
    ));
    x.push('\n');
    x.push_str(&element("directoryURL", &web("/ccmcip/xmldirectory.jsp")));
    x.push('\n');
    x.push_str("<idleURL></idleURL>\n<informationURL></informationURL>\n<messagesURL></messagesURL>\n<proxyServerURL></proxyServerURL>\n");
    x.push_str(&element("servicesURL", &web("/ccmcip/getservicesmenu.jsp")));
    x.push('\n');
    x.push_str("<dscpForSCCPPhoneConfig>96</dscpForSCCPPhoneConfig>\n<dscpForSCCPPhoneServices>0</dscpForSCCPPhoneServices>\n");
    x.push_str(
        "<dscpForCm2Dvce>96</dscpForCm2Dvce>\n<transportLayerProtocol>2</transportLayerProtocol>\n",
    );
    x.push_str(&format!(
        "<capfAuthMode>0</capfAuthMode>\n<capfList>\n<capf>\n<phonePort>3804</phonePort>\n<processNodeName>{}</processNodeName>\n</capf>\n</capfList>\n",
        c.ip
    ));
    x.push_str("<certHash></certHash>\n<encrConfig>false</encrConfig>\n<advertiseG722Codec>1</advertiseG722Codec>\n");
    x.push_str(&phone_services(v));
    x.push_str(&format!("<loadServer>{}</loadServer>\n", c.ip));
    x.push_str(&format!(
        "<tftpServer>{}</tftpServer>\n<tftpHttpPort>{TFTP_HTTP_PORT}</tftpHttpPort>\n",
        c.ip
    ));
    x.push_str(&format!("<deviceName>{}</deviceName>\n", phone.device_name));
    x.push_str("</device>\n");
    x
}

/// The softkey template the configuration points at (`SK<uuid>.xml`).
pub fn softkey_template(version_stamp: &str) -> String {
    const KEYS: [(&str, &str); 18] = [
        ("Redial", "SoftKey:Redial"),
        ("NewCall", "SoftKey:NewCall"),
        ("CFwdALL", "SoftKey:CFwdAll"),
        ("Pickup", "SoftKey:PickUp"),
        ("GPickup", "SoftKey:GPickUp"),
        ("DND", "SoftKey:DND"),
        ("EndCall", "SoftKey:EndCall"),
        ("Hold", "SoftKey:Hold"),
        ("Transfer", "SoftKey:Transfer"),
        ("Conference", "SoftKey:Conference"),
        ("Answer", "SoftKey:Answer"),
        ("Decline", "SoftKey:Decline"),
        ("Resume", "SoftKey:Resume"),
        ("Park", "SoftKey:Park"),
        ("Join", "SoftKey:Join"),
        ("Barge", "SoftKey:Barge"),
        ("Select", "SoftKey:Select"),
        ("MeetMe", "SoftKey:MeetMe"),
    ];
    const SETS: [(&str, &[usize]); 6] = [
        ("On Hook", &[0, 1, 2, 3, 4, 5]),
        ("Connected", &[7, 6, 8, 9, 13, 15]),
        ("On Hold", &[12, 1, 6, 8]),
        ("Ring In", &[10, 11, 5]),
        ("Off Hook", &[0, 6, 2, 3, 4, 17]),
        ("Connected Transfer", &[6, 8, 14, 16]),
    ];
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<softKeyCfg>\n");
    x.push_str(&format!(
        "<versionStamp>{}</versionStamp>\n<softKeyDefinition>\n",
        escape(version_stamp)
    ));
    for (name, action) in KEYS {
        x.push_str(&format!(
            "<softKey>\n{}\n{}\n<labelFont>bold</labelFont>\n</softKey>\n",
            element("name", name),
            element("action", action)
        ));
    }
    x.push_str("</softKeyDefinition>\n<softKeySetDefinition>\n");
    for (set, keys) in SETS {
        x.push_str(&format!("<softKeySet id=\"{}\">\n", escape(set)));
        for (slot, &k) in keys.iter().enumerate() {
            x.push_str(&format!(
                "<softKeyId slot=\"{}\">{}</softKeyId>\n",
                slot + 1,
                KEYS[k].0
            ));
        }
        x.push_str("</softKeySet>\n");
    }
    x.push_str("</softKeySetDefinition>\n</softKeyCfg>\n");
    x
}
