<?xml version="1.0" encoding="UTF-8"?>
<!--
  The mails (text, not HTML): the first line is the subject, then a blank
  line, then the body. The input is <mail
  kind="received|status|new|postkorb|reply|reminder" lang=".." account="1|"> with the service's <title>s, <ref>, <link>, <calendar> (a booked
  appointment's calendar file), <status> and
  <has-message/>. By design it holds no answer of the form: a mail may
  pass through servers the town does not control (docs/security.md).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:r="urn:x-rathaus" exclude-result-prefixes="r">

  <xsl:output method="text" encoding="UTF-8"/>

  <!-- As for the pages (render.c, layout.xsl). -->
  <xsl:param name="municipality" select="/.."/>
  <xsl:variable name="T" select="document($municipality)/municipality"/>
  <xsl:variable name="lang" select="string(/mail/@lang)"/>

  <!-- A catalog text in the mail's language, the town's own words
       merged in (render.c, msgcat.c). -->
  <xsl:template name="m">
    <xsl:param name="key"/>
    <xsl:value-of select="r:msg($key)"/>
  </xsl:template>

  <!-- A text of municipality.xml in the mail's language, else German. -->
  <xsl:template name="town">
    <xsl:param name="of"/>
    <xsl:choose>
      <xsl:when test="$of[@xml:lang = $lang]"><xsl:value-of select="$of[@xml:lang = $lang]"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$of[@xml:lang = 'de']"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:variable name="title">
    <xsl:choose>
      <xsl:when test="/mail/title[@xml:lang = $lang]"><xsl:value-of select="/mail/title[@xml:lang = $lang]"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="/mail/title[@xml:lang = 'de']"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:template match="/mail">
    <!-- Subject -->
    <xsl:call-template name="m"><xsl:with-param name="key" select="concat('mail.', @kind, '.subject')"/></xsl:call-template>
    <xsl:text>: </xsl:text>
    <xsl:value-of select="ref"/>
    <xsl:text>&#10;&#10;</xsl:text>
    <!-- Body -->
    <xsl:call-template name="m"><xsl:with-param name="key" select="concat('mail.', @kind, '.hello')"/></xsl:call-template>
    <xsl:text>&#10;&#10;</xsl:text>
    <xsl:call-template name="m"><xsl:with-param name="key" select="concat('mail.', @kind, '.what')"/></xsl:call-template>
    <xsl:text>&#10;  </xsl:text>
    <xsl:value-of select="$title"/>
    <xsl:text>&#10;  </xsl:text>
    <xsl:call-template name="m"><xsl:with-param name="key" select="'mail.ref'"/></xsl:call-template>
    <xsl:text>: </xsl:text>
    <xsl:value-of select="ref"/>
    <xsl:if test="status">
      <xsl:text>&#10;  </xsl:text>
      <xsl:call-template name="m"><xsl:with-param name="key" select="'mail.status'"/></xsl:call-template>
      <xsl:text>: </xsl:text>
      <xsl:call-template name="m"><xsl:with-param name="key" select="concat('status.', status)"/></xsl:call-template>
    </xsl:if>
    <xsl:text>&#10;&#10;</xsl:text>
    <xsl:if test="has-message">
      <xsl:choose>
        <xsl:when test="@kind = 'postkorb'">
          <xsl:call-template name="m"><xsl:with-param name="key" select="'mail.postkorb.has_message'"/></xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="m"><xsl:with-param name="key" select="'mail.has_message'"/></xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:text>&#10;&#10;</xsl:text>
    </xsl:if>
    <xsl:choose>
      <!-- Sent logged in: the link is to the Postkorb, behind the login. -->
      <xsl:when test="(@kind = 'received' or @kind = 'reminder') and @account = '1'">
        <xsl:call-template name="m"><xsl:with-param name="key" select="'mail.received.link_my'"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="m"><xsl:with-param name="key" select="concat('mail.', @kind, '.link')"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:text>&#10;</xsl:text>
    <xsl:value-of select="link"/>
    <xsl:text>&#10;&#10;</xsl:text>
    <!-- A booked appointment: the calendar file to import. -->
    <xsl:if test="calendar">
      <xsl:call-template name="m"><xsl:with-param name="key" select="'mail.calendar'"/></xsl:call-template>
      <xsl:text>&#10;</xsl:text>
      <xsl:value-of select="calendar"/>
      <xsl:text>&#10;&#10;</xsl:text>
    </xsl:if>
    <xsl:call-template name="m"><xsl:with-param name="key" select="concat('mail.', @kind, '.footer')"/></xsl:call-template>
    <xsl:text>&#10;&#10;-- &#10;</xsl:text>
    <!-- The town's signature; else its name, tagline and address. -->
    <xsl:choose>
      <xsl:when test="$T/mail-signature">
        <xsl:call-template name="town"><xsl:with-param name="of" select="$T/mail-signature"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="$T">
        <xsl:call-template name="town"><xsl:with-param name="of" select="$T/name"/></xsl:call-template>
        <xsl:text>, </xsl:text>
        <xsl:call-template name="m"><xsl:with-param name="key" select="'site.tagline'"/></xsl:call-template>
        <xsl:text>&#10;</xsl:text>
        <xsl:value-of select="concat($T/address/street, ', ', $T/address/postcode, ' ', $T/address/town)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="m"><xsl:with-param name="key" select="'site.name'"/></xsl:call-template>
        <xsl:text>, </xsl:text>
        <xsl:call-template name="m"><xsl:with-param name="key" select="'site.tagline'"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

</xsl:stylesheet>
