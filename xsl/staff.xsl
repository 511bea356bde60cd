<?xml version="1.0" encoding="UTF-8"?>
<!--
  What the back-office pages share (page/@name = 'staff-*'): the bar with
  the signed-in user, the status label, the CSRF field every form carries
  (/page/staff/@csrf, the value of the SameSite=Strict cookie, made for
  this user with the server's secret), and the
  answer-name helper for lists. Included after layout.xsl.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:variable name="staff" select="/page/staff"/>

  <xsl:template match="page" mode="head">
    <meta name="robots" content="noindex, nofollow"/>
  </xsl:template>

  <xsl:template name="staff-bar">
    <nav class="staff-bar">
      <xsl:attribute name="aria-label">
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.nav'"/></xsl:call-template>
      </xsl:attribute>
      <a href="{$script}/{$lq}"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.inbox'"/></xsl:call-template></a>
      <xsl:text> </xsl:text>
      <a href="{$script}/appointments{$lq}"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.appointments'"/></xsl:call-template></a>
      <span class="staff-user">
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.signed_in'"/></xsl:call-template>
        <xsl:text> </xsl:text>
        <strong><xsl:value-of select="$staff/@user"/></strong>
        <xsl:if test="$staff/@admin = '1'">
          <xsl:text> (</xsl:text>
          <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.admin'"/></xsl:call-template>
          <xsl:text>)</xsl:text>
        </xsl:if>
      </span>
    </nav>
  </xsl:template>

  <xsl:template name="csrf">
    <input type="hidden" name="_csrf" value="{$staff/@csrf}"/>
  </xsl:template>

  <!-- The town hall's words for a status (the citizen's say "your reply"). -->
  <xsl:template name="status-label">
    <xsl:param name="status"/>
    <span class="status status-{$status}">
      <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('staff.state.', $status)"/></xsl:call-template>
    </span>
  </xsl:template>

  <!-- Who a submission is from, for lists: the first of these answers. -->
  <xsl:template name="applicant">
    <xsl:param name="values"/>
    <xsl:variable name="v" select="($values[@name = 'name'] | $values[@name = 'company'] | $values[@name = 'surname'] | $values[@name = 'rep_name.1'])[string(.) != ''][1]"/>
    <xsl:choose>
      <xsl:when test="$v"><xsl:value-of select="$v"/></xsl:when>
      <xsl:otherwise>–</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
