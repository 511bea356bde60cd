<?xml version="1.0" encoding="UTF-8"?>
<!--
  Information and link-out services (page/@name = 'info'): title, summary,
  for a link service the way out to the other authority, then the
  sections (paragraphs, one list of items, links), and the contact.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:include href="layout.xsl"/>

  <xsl:variable name="S" select="/page/service"/>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="t">
      <xsl:with-param name="of" select="$S/title"/>
      <xsl:with-param name="inline" select="false()"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="page" mode="main">
    <div class="with-aside">
      <div class="intro">
        <h1><xsl:call-template name="t"><xsl:with-param name="of" select="$S/title"/></xsl:call-template></h1>
        <xsl:if test="$S/summary">
          <p class="lead"><xsl:call-template name="t"><xsl:with-param name="of" select="$S/summary"/></xsl:call-template></p>
        </xsl:if>
        <xsl:call-template name="service-facts"/>
      </div>
      <xsl:apply-templates select="$S/clerk" mode="contact"/>
      <div class="body">
        <xsl:if test="$S/@kind = 'link'">
          <div class="panel way-out">
            <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'info.link_intro'"/></xsl:call-template></p>
            <p><xsl:apply-templates select="$S/link" mode="out"><xsl:with-param name="class" select="'button'"/></xsl:apply-templates></p>
          </div>
        </xsl:if>
        <xsl:apply-templates select="$S/section"/>
        <xsl:call-template name="back-to-catalog"/>
      </div>
    </div>
  </xsl:template>

  <!-- A section in the page language, or in German where it has none. -->
  <xsl:template match="section">
    <xsl:variable name="L">
      <xsl:choose>
        <xsl:when test="*[self::p or self::item][@xml:lang = $lang]"><xsl:value-of select="$lang"/></xsl:when>
        <xsl:otherwise>de</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <section class="info-section" aria-labelledby="s-{@id}">
      <h2 id="s-{@id}"><xsl:call-template name="t"><xsl:with-param name="of" select="title"/></xsl:call-template></h2>
      <xsl:for-each select="p[@xml:lang = $L]">
        <p>
          <xsl:if test="$L != $lang"><xsl:attribute name="lang"><xsl:value-of select="$L"/></xsl:attribute></xsl:if>
          <xsl:value-of select="."/>
        </p>
      </xsl:for-each>
      <xsl:if test="item[@xml:lang = $L]">
        <ul>
          <xsl:if test="$L != $lang"><xsl:attribute name="lang"><xsl:value-of select="$L"/></xsl:attribute></xsl:if>
          <xsl:for-each select="item[@xml:lang = $L]">
            <li><xsl:value-of select="."/></li>
          </xsl:for-each>
        </ul>
      </xsl:if>
      <xsl:if test="link">
        <ul class="links">
          <xsl:for-each select="link">
            <li><xsl:apply-templates select="." mode="out"/></li>
          </xsl:for-each>
        </ul>
      </xsl:if>
    </section>
  </xsl:template>

  <!-- A link that leaves the portal, saying so to screen readers too. -->
  <xsl:template match="link" mode="out">
    <xsl:param name="class" select="''"/>
    <a href="{@href}" rel="noopener noreferrer">
      <xsl:if test="$class != ''"><xsl:attribute name="class"><xsl:value-of select="$class"/></xsl:attribute></xsl:if>
      <xsl:call-template name="t"><xsl:with-param name="of" select="label"/></xsl:call-template>
      <span class="visually-hidden">
        <xsl:text> (</xsl:text>
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'info.external'"/></xsl:call-template>
        <xsl:text>)</xsl:text>
      </span>
    </a>
  </xsl:template>

</xsl:stylesheet>
