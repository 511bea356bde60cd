<?xml version="1.0" encoding="UTF-8"?>
<!--
  An error page (page/@name = 'error'): <error code=".." reason=".."/>.
  Heading: message http.<reason>; explanation: http.<reason>.text.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:include href="layout.xsl"/>

  <xsl:variable name="reason">
    <xsl:variable name="e" select="/page/error"/>
    <xsl:choose>
      <xsl:when test="string($e/@reason)"><xsl:value-of select="$e/@reason"/></xsl:when>
      <xsl:when test="$e/@code = '404'">not_found</xsl:when>
      <xsl:when test="$e/@code = '405'">method</xsl:when>
      <xsl:when test="$e/@code = '413'">too_large</xsl:when>
      <xsl:when test="$e/@code = '400' or $e/@code = '422'">bad_request</xsl:when>
      <xsl:otherwise>internal</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('http.', $reason)"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="page" mode="main">
    <h1><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('http.', $reason)"/></xsl:call-template></h1>
    <p class="lead"><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('http.', $reason, '.text')"/></xsl:call-template></p>
    <xsl:if test="string(error/@code)">
      <p class="error-code">
        <xsl:call-template name="msg">
          <xsl:with-param name="key" select="'http.code'"/>
          <xsl:with-param name="arg" select="error/@code"/>
        </xsl:call-template>
      </p>
    </xsl:if>
    <!-- Refused as another site's request: the same page, from here. -->
    <xsl:if test="$reason = 'cross_site'">
      <p>
        <a href="{$script}{$ctx/@self}">
          <xsl:if test="string($ctx/@query)">
            <xsl:attribute name="href"><xsl:value-of select="concat($script, $ctx/@self, '?', $ctx/@query)"/></xsl:attribute>
          </xsl:if>
          <xsl:call-template name="msg"><xsl:with-param name="key" select="'http.cross_site.open'"/></xsl:call-template>
        </a>
      </p>
    </xsl:if>
    <xsl:call-template name="back-to-catalog"/>
  </xsl:template>

</xsl:stylesheet>
